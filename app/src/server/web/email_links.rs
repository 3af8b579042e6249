//! Links that arrive by email and need no page of their own:
//! `GET /verify-email?token=…` marks the address verified.

use crate::server::{
    error::request_id_of,
    identity::{unconfirmed, verification},
    web::host_router::{failure_page, plain_page},
    AppState,
};
use axum::{
    extract::{Query, Request, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

pub async fn verify_email(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    req: Request,
) -> Response {
    let token = query
        .token
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .unwrap_or_default();
    match verification::verify(&state.control, &token).await {
        Ok(Some(user_id)) => {
            // An organization suspended for want of a confirmed owner is back.
            if let Err(e) =
                unconfirmed::reactivate_for(&state.control, &state.directory, user_id).await
            {
                let request_id = request_id_of(req.headers());
                tracing::error!(%request_id, error = %e, "could not reactivate after confirmation");
            }
            plain_page(
                StatusCode::OK,
                "Email address confirmed",
                "<p data-testid=\"email-verified\">Thank you: your address is confirmed, and \
                 you can now invite your colleagues.</p>\
                 <p><a class=\"button\" href=\"/login\">Continue</a></p>",
            )
        }
        Ok(None) => plain_page(
            StatusCode::BAD_REQUEST,
            "This link has expired",
            "<p data-testid=\"link-expired\">Confirmation links work once, for two days. Log in \
             and use “Send the link again” on your organization's page to get a new one.</p>",
        ),
        Err(e) => {
            let request_id = request_id_of(req.headers());
            tracing::error!(%request_id, error = %e, "email verification failed");
            failure_page(&request_id, "We could not confirm your address.")
        }
    }
}
