//! `/unsubscribe?token=…&kind=…`, the link in every notification: on an
//! organization's host, it turns one kind of notification off for the
//! member whose link it is, without signing in.
//!
//! * `GET` shows what it will do and a button (a link opened, or fetched
//!   by a mail scanner, changes nothing);
//! * `POST` does it: the button's form, or a mail program's one-click
//!   unsubscribe (RFC 8058: the address of the `List-Unsubscribe` header,
//!   posted with `List-Unsubscribe=One-Click`).
//!
//! The token is looked up in the organization's own database, so a link of
//! one organization means nothing on another's host.
//!
//! `/unsubscribe/invitations?token=…`, the link in every invitation, works
//! the same way for someone who is no member: it stops the organization
//! inviting the address (`identity::invitations::block`).

use crate::model::notifications::{Choice, Kind};
use crate::server::{
    error::request_id_of,
    identity::{accounts, invitations},
    org::{audit::Actor, notifications},
    web::{
        context::client_ip_from,
        host_router::{escape_html, failure_page, plain_page},
    },
    AppState,
};
use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use tenancy::context::TenantCtx;

/// The link's query, or the form's fields.
#[derive(serde::Deserialize, Default)]
pub struct Link {
    #[serde(default)]
    token: String,
    #[serde(default)]
    kind: String,
}

/// `GET`: what the link will turn off, and the button that does.
pub async fn ask_to_unsubscribe(
    ctx: Option<Extension<TenantCtx>>,
    headers: HeaderMap,
    Query(link): Query<Link>,
) -> Response {
    let Some(Extension(ctx)) = ctx else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let request_id = request_id_of(&headers);
    let kind = match resolve(&ctx, &link, &request_id).await {
        Ok((_, kind)) => kind,
        Err(answer) => return *answer,
    };
    plain_page(
        StatusCode::OK,
        "Unsubscribe",
        &format!(
            "<p data-testid=\"unsubscribe-ask\">Stop emails from {org} about “{label}”?</p>\
             <form method=\"post\" action=\"/unsubscribe\">\
             <input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <input type=\"hidden\" name=\"kind\" value=\"{kind}\">\
             <button type=\"submit\">Unsubscribe</button></form>",
            org = escape_html(&ctx.tenant.name),
            label = escape_html(&kind.label().to_lowercase()),
            token = escape_html(&link.token),
            kind = kind.as_str(),
        ),
    )
}

/// `POST`: turns the kind off (the link's query, or the form's body).
pub async fn unsubscribe(
    State(state): State<AppState>,
    ctx: Option<Extension<TenantCtx>>,
    parts: Parts,
    Query(query): Query<Link>,
    body: Bytes,
) -> Response {
    let Some(Extension(ctx)) = ctx else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let request_id = request_id_of(&parts.headers);
    let link = query.or_form(&body);
    let (user_id, kind) = match resolve(&ctx, &link, &request_id).await {
        Ok(found) => found,
        Err(answer) => return *answer,
    };
    let email = match accounts::user(&state.control, user_id).await {
        Ok(user) => user.map(|u| u.email).unwrap_or_default(),
        Err(e) => return failed(e, &request_id),
    };
    let actor = Actor {
        user_id,
        email,
        ip: client_ip_from(
            &parts.headers,
            &parts.extensions,
            state.settings.behind_proxy,
        )
        .to_string(),
    };
    if let Err(e) = notifications::choose(&ctx.db, &actor, user_id, &[(kind, Choice::Off)]).await {
        return failed(e, &request_id);
    }
    plain_page(
        StatusCode::OK,
        "Unsubscribed",
        &format!(
            "<p data-testid=\"unsubscribed\">You will no longer get emails from {org} about \
             “{label}”.</p><p>Change it, or any other kind, on \
             <a href=\"/notifications\">your notification settings</a>.</p>",
            org = escape_html(&ctx.tenant.name),
            label = escape_html(&kind.label().to_lowercase()),
        ),
    )
}

impl Link {
    /// The link's query when it has a token (a mail program's one click),
    /// else the form's fields (the button on the page).
    fn or_form(self, body: &[u8]) -> Link {
        if !self.token.is_empty() {
            return self;
        }
        let mut link = Link::default();
        for (key, value) in url::form_urlencoded::parse(body) {
            match key.as_ref() {
                "token" => link.token = value.into_owned(),
                "kind" => link.kind = value.into_owned(),
                _ => {}
            }
        }
        link
    }
}

/// `GET /unsubscribe/invitations`: which address the organization will stop
/// inviting, and the button.
pub async fn ask_to_stop_invitations(
    State(state): State<AppState>,
    ctx: Option<Extension<TenantCtx>>,
    headers: HeaderMap,
    Query(link): Query<Link>,
) -> Response {
    let Some(Extension(ctx)) = ctx else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let email = match invited_address(&state, &ctx, &link, &request_id_of(&headers)).await {
        Ok(email) => email,
        Err(answer) => return *answer,
    };
    plain_page(
        StatusCode::OK,
        "No more invitations",
        &format!(
            "<p data-testid=\"stop-invitations-ask\">Stop invitations from {org} to \
             <strong>{email}</strong>? Its admins will not be able to invite this address \
             again.</p>\
             <form method=\"post\" action=\"/unsubscribe/invitations\">\
             <input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <button type=\"submit\">Stop invitations</button></form>",
            org = escape_html(&ctx.tenant.name),
            email = escape_html(&email),
            token = escape_html(&link.token),
        ),
    )
}

/// `POST /unsubscribe/invitations`: blocks the address for this
/// organization (the link's query, or the form's body).
pub async fn stop_invitations(
    State(state): State<AppState>,
    ctx: Option<Extension<TenantCtx>>,
    parts: Parts,
    Query(query): Query<Link>,
    body: Bytes,
) -> Response {
    let Some(Extension(ctx)) = ctx else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let request_id = request_id_of(&parts.headers);
    let link = query.or_form(&body);
    let email = match invited_address(&state, &ctx, &link, &request_id).await {
        Ok(email) => email,
        Err(answer) => return *answer,
    };
    let ip = client_ip_from(
        &parts.headers,
        &parts.extensions,
        state.settings.behind_proxy,
    );
    if let Err(e) = invitations::block(&state.control, &ctx, &email, &ip.to_string()).await {
        return failed(e, &request_id);
    }
    plain_page(
        StatusCode::OK,
        "No more invitations",
        &format!(
            "<p data-testid=\"invitations-stopped\">{org} will not invite {email} again.</p>",
            org = escape_html(&ctx.tenant.name),
            email = escape_html(&email),
        ),
    )
}

/// The address an invitation link of this organization went to, or the
/// page to answer.
async fn invited_address(
    state: &AppState,
    ctx: &TenantCtx,
    link: &Link,
    request_id: &str,
) -> Result<String, Box<Response>> {
    match invitations::address_of_link(&state.control, ctx.tenant.id, &link.token).await {
        Ok(Some(email)) => Ok(email),
        Ok(None) => Err(Box::new(not_a_link())),
        Err(e) => Err(Box::new(failed(e, request_id))),
    }
}

fn not_a_link() -> Response {
    plain_page(
        StatusCode::BAD_REQUEST,
        "This link does not work",
        "<p>This link is not one of this organization's, or a newer email replaced it. Use the \
         link in the newest email, or sign in and choose what you get on your notification \
         settings page.</p>",
    )
}

/// The member and the kind a link names, or the page to answer.
async fn resolve(
    ctx: &TenantCtx,
    link: &Link,
    request_id: &str,
) -> Result<(i64, Kind), Box<Response>> {
    let kind = Kind::parse(&link.kind);
    let holder = notifications::holder(&ctx.db, &link.token)
        .await
        .map_err(|e| Box::new(failed(e, request_id)))?;
    match (holder, kind) {
        (Some(user_id), Some(kind)) => Ok((user_id, kind)),
        _ => Err(Box::new(not_a_link())),
    }
}

fn failed(cause: impl std::fmt::Display, request_id: &str) -> Response {
    tracing::error!(%request_id, error = %cause, "unsubscribe failed");
    failure_page(request_id, "We could not change your notifications.")
}
