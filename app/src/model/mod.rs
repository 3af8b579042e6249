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

/// The rule every short name follows (an organization's, a team's, an API
/// token's): not empty (`empty` says what to enter), at most `max`
/// characters, no control characters. Labels add a rule of their own
/// ([`mapping::check_label`]).
pub fn check_name(name: &str, max: usize, empty: &str) -> Result<(), String> {
    if name.is_empty() {
        Err(empty.to_owned())
    } else if name.chars().count() > max {
        Err(format!("Use at most {max} characters."))
    } else if name.chars().any(char::is_control) {
        Err("Remove control characters from the name.".to_owned())
    } else {
        Ok(())
    }
}
