//! The one shape of every error the API answers:
//! `{"error": {"status", "code", "message", "fields"?, "request_id"?}}`.

use crate::model::AppError;
use crate::server::web::status::status_of;
use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// An error as the API answers it.
pub struct ApiError {
    pub(super) error: AppError,
    pub(super) request_id: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The body of every error answer.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
struct ErrorDetail {
    /// The HTTP status again.
    status: u16,
    code: ErrorCode,
    message: String,
    /// For `validation_failed`: the message for each field that was wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<BTreeMap<String, String>>,
    /// For `internal` and `unavailable`: quote it when you report the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

/// The stable `code` of each kind of error.
#[derive(Serialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Unauthorized,
    Forbidden,
    ValidationFailed,
    Internal,
    Unavailable,
    RateLimited,
    Busy,
    BadRequest,
}

impl ErrorCode {
    pub fn of(error: &AppError) -> ErrorCode {
        match error {
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Unauthorized => ErrorCode::Unauthorized,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::Validation(_) => ErrorCode::ValidationFailed,
            AppError::Internal { .. } => ErrorCode::Internal,
            AppError::Unavailable { .. } => ErrorCode::Unavailable,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Busy { .. } => ErrorCode::Busy,
            AppError::Transport(_) => ErrorCode::BadRequest,
        }
    }
}

impl ApiError {
    /// `error`, before the request's id is known.
    pub(super) fn plain(error: AppError) -> ApiError {
        ApiError {
            error,
            request_id: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.error);
        let message = match &self.error {
            // The request id is a field of its own here.
            AppError::Internal { .. } => "Something went wrong on our side.".to_owned(),
            AppError::Unavailable { .. } => {
                "This organization's data cannot be reached right now.".to_owned()
            }
            other => other.to_string(),
        };
        let fields = match &self.error {
            AppError::Validation(fields) => Some(fields.errors.clone()),
            _ => None,
        };
        let request_id = matches!(
            self.error,
            AppError::Internal { .. } | AppError::Unavailable { .. }
        )
        .then(|| self.request_id.unwrap_or_else(|| "unknown".to_owned()));
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                code: ErrorCode::of(&self.error),
                message,
                fields,
                request_id,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        if let Some(secs) = self.error.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        response
    }
}
