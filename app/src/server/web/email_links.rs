//! Links that arrive by email and need no page of their own:
//! `/verify-email?token=…` confirms an address.
//!
//! Following the link does not confirm by itself: mail scanners and link
//! previews open every link in a mail, and would confirm the address
//! without its owner (review I7). `GET` shows a page with one button, whose
//! form `POST`s the token back; only that confirms. Showing the page does
//! not use the link up.

use crate::server::{
    error::request_id_of,
    identity::{
        tokens::{self, LinkToken},
        unconfirmed, verification,
    },
    web::host_router::{escape_html, failure_page, plain_page},
    AppState,
};
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Form,
};

/// `GET /verify-email?token=…`: the page that asks to confirm, or
/// "expired" for a link that could not confirm any more.
pub async fn ask_to_verify_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LinkToken>,
) -> Response {
    let Some(token) = query.text() else {
        return link_expired();
    };
    match tokens::usable(&state.control, &token, tokens::Purpose::VerifyEmail, None).await {
        Ok(true) => plain_page(
            StatusCode::OK,
            "Confirm your email address",
            &format!(
                "<p>Confirm that this address is yours, so that you can invite your \
                 colleagues and get your account back if you forget your password.</p>\
                 <form method=\"post\" action=\"/verify-email\">\
                 <input type=\"hidden\" name=\"token\" value=\"{token}\">\
                 <button type=\"submit\" data-testid=\"confirm-email\">Confirm my address</button>\
                 </form>",
                token = escape_html(&token),
            ),
        ),
        Ok(false) => link_expired(),
        Err(e) => failed(e, &request_id_of(&headers)),
    }
}

/// `POST /verify-email` (the page's form, token in the body): marks the
/// address verified. Cross-site posts never get here
/// (`origin::reject_cross_origin`).
pub async fn verify_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LinkToken>,
) -> Response {
    let Some(token) = form.text() else {
        return link_expired();
    };
    match verification::verify(&state.control, &token).await {
        Ok(Some(user_id)) => {
            state.authority.user_changed(user_id).await;
            // An organization suspended for want of a confirmed owner is back.
            if let Err(e) =
                unconfirmed::reactivate_for(&state.control, &state.directory, user_id).await
            {
                let request_id = request_id_of(&headers);
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
        Ok(None) => link_expired(),
        Err(e) => failed(e, &request_id_of(&headers)),
    }
}

fn link_expired() -> Response {
    plain_page(
        StatusCode::BAD_REQUEST,
        "This link has expired",
        "<p data-testid=\"link-expired\">Confirmation links work once, for two days. Log in \
         and use “Send the link again” on your organization's page to get a new one.</p>",
    )
}

fn failed(cause: impl std::fmt::Display, request_id: &str) -> Response {
    tracing::error!(%request_id, error = %cause, "email verification failed");
    failure_page(request_id, "We could not confirm your address.")
}
