//! Small building blocks shared by pages.

pub mod field;

pub use field::{ErrorBanner, Field};
