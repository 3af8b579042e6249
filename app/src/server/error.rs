//! Turning server-side failures into what users may see.

use crate::model::AppError;
use sea_orm::DbErr;

/// The request id header set by the server's request-id layer.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Logs `cause` with the request id and returns the opaque error the user
/// sees. Database text and other internals never leave the server.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    internal_with_id(cause, current_request_id())
}

fn current_request_id() -> String {
    leptos::prelude::use_context::<http::request::Parts>().map_or_else(
        || "unknown".to_owned(),
        |parts| request_id_of(&parts.headers),
    )
}

/// The request id the request-id layer put in `headers`, or `unknown`.
pub fn request_id_of(headers: &http::HeaderMap) -> String {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .to_owned()
}

/// The error for a failed query on the tenant's own database: when the
/// database cannot be reached (down, dropped, restarting, or its pool
/// exhausted) the user gets a 503 that says so, page or server function
/// alike; anything else is an internal error.
pub fn tenant_db(cause: DbErr) -> AppError {
    if !is_unreachable(&cause) {
        return internal(cause);
    }
    let request_id = current_request_id();
    tracing::error!(%request_id, error = %cause, "tenant database unreachable");
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
    }
    AppError::Unavailable { request_id }
}

/// Whether `e` says the database could not be reached, rather than that a
/// statement failed.
pub fn is_unreachable(e: &DbErr) -> bool {
    use sea_orm::{sqlx, RuntimeErr};
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err)) => {
            match err.as_ref() {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::Protocol(_) => true,
                // Class 08: connection exception; 57P: operator intervention
                // (terminated, shutting down); 3D000: the database is gone;
                // 25006: read-only while the tenant is being moved.
                sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                    code.starts_with("08")
                        || code.starts_with("57P")
                        || code == "3D000"
                        || code == "25006"
                }),
                _ => false,
            }
        }
        _ => false,
    }
}

pub fn internal_with_id(cause: impl std::fmt::Display, request_id: String) -> AppError {
    tracing::error!(%request_id, error = %cause, "internal error");
    AppError::Internal { request_id }
}
