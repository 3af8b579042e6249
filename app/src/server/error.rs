//! Turning server-side failures into what users may see.

use crate::model::AppError;

/// The request id header set by the server's request-id layer.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Logs `cause` with the request id and returns the opaque error the user
/// sees. Database text and other internals never leave the server.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    let request_id = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".to_owned());
    internal_with_id(cause, request_id)
}

pub fn internal_with_id(cause: impl std::fmt::Display, request_id: String) -> AppError {
    tracing::error!(%request_id, error = %cause, "internal error");
    AppError::Internal { request_id }
}
