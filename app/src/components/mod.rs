//! Small building blocks shared by pages.

pub mod field;
pub mod granted;

pub use field::{ErrorBanner, Field};
pub use granted::Granted;
