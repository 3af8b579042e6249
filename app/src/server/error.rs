//! Turning server-side failures into what users may see.

use crate::model::AppError;
use sea_orm::DbErr;
use tenancy::db::is_unreachable;

/// The request id header set by the server's request-id layer.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Logs `cause` with the request id and returns the opaque error the user
/// sees. Database text and other internals never leave the server. A
/// database error that says the database cannot be reached (the control
/// plane restarting, say) is the 503 of [`tenant_db`] instead: it passes.
pub fn internal<E: std::fmt::Display + 'static>(cause: E) -> AppError {
    let any = &cause as &dyn std::any::Any;
    if let Some(db) = any.downcast_ref::<DbErr>() {
        if is_unreachable(db) {
            return unavailable(db);
        }
    }
    if let Some(session) = any.downcast_ref::<tower_sessions::session::Error>() {
        if crate::server::identity::session_store::is_unreachable(session) {
            return unavailable(session);
        }
    }
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
    internal(cause)
}

/// The 503 for a database that cannot be reached, page or server function.
fn unavailable(cause: &dyn std::fmt::Display) -> AppError {
    let request_id = current_request_id();
    tracing::error!(%request_id, error = %cause, "database unreachable");
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
    }
    AppError::Unavailable { request_id }
}

pub fn internal_with_id(cause: impl std::fmt::Display, request_id: String) -> AppError {
    tracing::error!(%request_id, error = %cause, "internal error");
    AppError::Internal { request_id }
}
