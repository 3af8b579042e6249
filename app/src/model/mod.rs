//! Serializable types that cross the wire, and the rules both sides apply.

pub mod access;
pub mod account;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod error;
pub mod invitations;
pub mod mapping;
pub mod members;
pub mod onboarding;
pub mod repositories;
pub mod site;
pub mod slug;
pub mod teams;

pub use access::{Permission, Role};
pub use error::{AppError, FieldErrors};
