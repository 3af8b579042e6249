//! Small building blocks shared by pages: the scaffolding every page
//! repeats (loading, error banners, form fields, what a server action's
//! answer says).

pub mod action;
pub mod banner;
pub mod field;
pub mod loading;
pub mod pasted_list;

pub use action::{action_error, error_for, field_error, returned_error};
pub use banner::{Alert, ErrorBanner, SignInRequired};
pub use field::{Field, FieldShell};
pub use loading::{Explain, Loaded, Loading};
pub use pasted_list::PastedList;
