//! The one error type that crosses the wire from server functions to pages.
//!
//! Internal failures reach the browser only as an opaque message with the
//! request id; their cause stays in the server's log.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field errors of a rejected form, plus the non-secret values the user sent,
/// so that a page rendered without JavaScript can show them again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors {
    pub errors: BTreeMap<String, String>,
    pub values: BTreeMap<String, String>,
}

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    pub fn value(&self, field: &str) -> Option<&str> {
        self.values.get(field).map(String::as_str)
    }

    /// Records what the user typed (never a password) to be shown again.
    pub fn echo(mut self, field: &str, value: &str) -> Self {
        self.values.insert(field.to_owned(), value.to_owned());
        self
    }

    /// `Ok(())` when nothing was added, otherwise the errors as an [`AppError`].
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Not found.")]
    NotFound,
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("Please correct the highlighted fields.")]
    Validation(FieldErrors),
    #[error("Something went wrong on our side. If it persists, contact support with request id {request_id}.")]
    Internal { request_id: String },
    /// The organization's database cannot be reached right now; other
    /// organizations are not affected.
    #[error("This organization's data cannot be reached right now. Please try again in a minute (request id {request_id}).")]
    Unavailable { request_id: String },
    /// Too many attempts (log-in, password reset) from this address or on
    /// this account; the user may try again after the given wait.
    #[error("Too many attempts. Try again in {retry_after_secs} s.")]
    RateLimited { retry_after_secs: u64 },
    /// The server has as much of this kind of work (password checks, …)
    /// under way as it runs at once; nothing was done.
    #[error("The server is busy. Please try again in {retry_after_secs} s.")]
    Busy { retry_after_secs: u64 },
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The seconds a `Retry-After` header should say, for the errors that
    /// pass with time.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs } | AppError::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        AppError::Validation(errors)
    }

    /// One field's error, with the value sent echoed back so that a page
    /// rendered without JavaScript shows it again.
    pub fn field_echo(field: &str, value: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default().echo(field, value);
        errors.add(field, message);
        AppError::Validation(errors)
    }

    /// The message for one form field, if this is a validation error that has one.
    pub fn field_error(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.get(field).map(str::to_owned),
            _ => None,
        }
    }

    /// Adds `value` to what a validation error echoes back, so that a page
    /// with several forms of one kind (a row each) shows the error at the
    /// row that sent it.
    pub fn echoing(self, field: &str, value: impl ToString) -> Self {
        match self {
            AppError::Validation(errors) => {
                AppError::Validation(errors.echo(field, &value.to_string()))
            }
            other => other,
        }
    }

    /// What the user typed in `field`, echoed back by a validation error.
    pub fn field_value(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.value(field).map(str::to_owned),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed input from a client (bad form encoding, missing field)
            // is the user's to fix; everything else is transport trouble.
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::field(
                    "form",
                    format!("The form was incomplete or malformed: {message}"),
                )
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}
