//! `GET /dev/mailbox` on the apex, in development without SMTP: the mail
//! Tenantry would have sent, newest first, links clickable. Anywhere else,
//! and in production, it does not exist (404).
//!
//! Development means a debug build (what `make run` serves) whose Leptos
//! environment is `DEV`: a release build never shows it, whatever its
//! configuration says, because the page hands out every one-time link.

use crate::server::{
    mail,
    web::{
        host::{HostKind, ParsedHost},
        host_router::{escape_html, plain_page},
    },
    AppState,
};
use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use leptos::config::{Env, LeptosOptions};

/// Mail shown at once.
const SHOWN: u64 = 50;

/// Whether `/dev/mailbox` exists: a debug build in development mode, with
/// mail going to the outbox.
pub fn enabled(options: &LeptosOptions, mailer: &mail::Mailer) -> bool {
    cfg!(debug_assertions) && options.env == Env::DEV && mailer.uses_outbox()
}

pub async fn dev_mailbox(State(state): State<AppState>, req: Request) -> Response {
    let on_apex = req
        .extensions()
        .get::<ParsedHost>()
        .is_some_and(|host| host.kind == HostKind::Apex);
    if !on_apex || !enabled(&state.leptos_options, &state.mailer) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mail = match mail::outbox(&state.control, SHOWN).await {
        Ok(mail) => mail,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the outbox");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut body = String::from(
        "<p class=\"muted\">Development only: the mail Tenantry would have sent \
         (set TENANTRY_SMTP_URL to send it), newest first.</p>",
    );
    if mail.is_empty() {
        body.push_str("<p data-testid=\"mailbox-empty\">No mail yet.</p>");
    }
    for m in mail {
        body.push_str(&format!(
            "<article class=\"mail\" data-testid=\"mail\"><h2>{}</h2><p class=\"muted\">To {} · {}</p><pre>{}</pre></article>",
            escape_html(&m.subject),
            escape_html(&m.to_address),
            crate::server::time::utc_datetime(m.created_at),
            linkify(&escape_html(&m.body)),
        ));
    }
    plain_page(StatusCode::OK, "Mailbox", &body)
}

/// Makes the `http(s)://` URLs of already-escaped text clickable.
fn linkify(escaped: &str) -> String {
    escaped
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                format!(
                    "<a href=\"{trimmed}\">{trimmed}</a>{}",
                    &word[trimmed.len()..]
                )
            } else {
                word.to_owned()
            }
        })
        .collect()
}
