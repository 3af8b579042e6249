//! The answer to a pasted list (repositories, invitations) some of whose
//! lines were refused: the valid lines went in; the form gets back the
//! refused ones to fix and send again, each with its reason (field errors
//! `line:N` holding the line's text), and a message on the `list` field.

use crate::model::{repositories::LineError, AppError, FieldErrors};

/// Refused lines sent back at most: the answer stays small (without
/// JavaScript it travels in an address).
pub const MAX_LINES_REPORTED: usize = 50;

/// `Ok(done)` when nothing was refused; otherwise the form error that
/// keeps the refused lines. `message` words it from how many went in.
pub fn answer<T>(
    done: Vec<T>,
    refused: Vec<LineError>,
    message: impl FnOnce(usize) -> String,
) -> Result<Vec<T>, AppError> {
    if refused.is_empty() {
        return Ok(done);
    }
    let left_out = refused.len();
    let shown: Vec<LineError> = refused.into_iter().take(MAX_LINES_REPORTED).collect();
    let kept: Vec<&str> = shown.iter().map(|e| e.text.as_str()).collect();
    let mut errors = FieldErrors::default()
        .echo("list", &kept.join("\n"))
        .echo("added", &done.len().to_string());
    let more = if left_out > shown.len() {
        format!(
            " {left_out} lines were left out; the first {} are below.",
            shown.len()
        )
    } else {
        String::new()
    };
    errors.add("list", format!("{}{more}", message(done.len())));
    for e in shown {
        let key = format!("line:{}", e.line);
        errors.add(&key, e.message);
        errors.values.insert(key, e.text);
    }
    Err(AppError::Validation(errors))
}
