//! HTTP status codes for server-function errors.
//!
//! Leptos answers every server-function error with 500 and the error as JSON.
//! A rejected form is not a server failure: this middleware reads the error
//! back and gives it the status that says what happened (422 for field
//! errors, 401, 403, 404, 429 and 503 with `Retry-After`), so clients, logs and
//! monitoring tell user mistakes from real failures. Plain form posts are redirects and pass untouched.

use crate::model::AppError;
use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::Response,
};

/// Server-function error bodies are small JSON documents.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Transport(_) => StatusCode::BAD_REQUEST,
        AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
    }
}

pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = status_of(&error);
        if let Some(secs) = error.retry_after() {
            parts.headers.insert(header::RETRY_AFTER, secs.into());
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_mistakes_are_not_server_errors() {
        assert_eq!(
            status_of(&AppError::field("name", "x")),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(status_of(&AppError::Unauthorized), StatusCode::UNAUTHORIZED);
        assert_eq!(status_of(&AppError::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(
            status_of(&AppError::Busy {
                retry_after_secs: 1
            }),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            status_of(&AppError::Internal {
                request_id: "r".into()
            }),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
