//! Serializable types that cross the wire, and the rules both sides apply.

pub mod error;
pub mod site;
pub mod slug;
pub mod teams;

pub use error::{AppError, FieldErrors};
