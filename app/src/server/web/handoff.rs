//! The handoff: the apex (or another tenant) sends a signed-in user to a
//! tenant host with a single-use, short-lived token in the URL; the tenant
//! host exchanges it for its own host-only session and drops the token from
//! the address bar with a redirect.

use crate::server::{
    error::request_id_of,
    identity::{sign_in, tokens},
    web::host_router::{failure_page, plain_page},
    AppState,
};
use axum::{
    extract::{Query, Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tenancy::context::TenantCtx;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct HandoffQuery {
    token: Option<String>,
}

pub async fn accept_handoff(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<HandoffQuery>,
    req: Request,
) -> Response {
    let Some(ctx) = req.extensions().get::<TenantCtx>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let request_id = request_id_of(req.headers());
    let Some(token) = query.token.filter(|t| !t.is_empty() && t.len() <= 128) else {
        return link_expired();
    };
    let user_id = match tokens::consume(
        &state.control,
        &token,
        tokens::Purpose::Handoff,
        Some(ctx.tenant.id),
    )
    .await
    {
        Ok(Some(user_id)) => user_id,
        Ok(None) => return link_expired(),
        Err(e) => return failed(e, &request_id),
    };
    if let Err(e) = sign_in::start(&session, user_id, Some(ctx.tenant.id)).await {
        return failed(e, &request_id);
    }
    Redirect::to("/").into_response()
}

fn link_expired() -> Response {
    plain_page(
        StatusCode::BAD_REQUEST,
        "This sign-in link has expired",
        "<p>Sign-in links work once, for one minute. Sign in again to get a new one.</p>",
    )
}

fn failed(cause: impl std::fmt::Display, request_id: &str) -> Response {
    tracing::error!(%request_id, error = %cause, "handoff failed");
    failure_page(request_id, "We could not sign you in.")
}
