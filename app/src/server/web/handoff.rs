//! The handoff: the apex (or another tenant) sends a signed-in user to a
//! tenant host with a single-use, short-lived token in the URL; the tenant
//! host exchanges it for its own host-only session and drops the token from
//! the address bar with a redirect.
//!
//! A token is only as good as the browser that presents it: someone who
//! gets a token for their own account (from the `Location` of their own
//! log-in) could send the link to a victim, whose browser would then be
//! signed in to the sender's organization (login CSRF). So the exchange
//! happens at once only when the browser says the link was followed from
//! this deployment (`Sec-Fetch-Site: same-site` or `same-origin`: the
//! redirect of a log-in, sign-up or switch; a request without the header
//! comes from no browser). A link opened from another site, a mail or the
//! address bar (`cross-site`, `none`) shows whose account and which
//! organization it signs in to, and signs in only when the person
//! confirms with a form posted from this page.

use crate::server::{
    error::request_id_of,
    identity::{
        accounts, sign_in,
        tokens::{self, LinkToken},
    },
    web::host_router::{escape_html, failure_page, plain_page},
    AppState,
};
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Form,
};
use tenancy::context::TenantCtx;
use tower_sessions::Session;

/// `GET /auth/handoff?token=…`: signs in at once when the link was followed
/// from this deployment, else asks first.
pub async fn accept_handoff(
    State(state): State<AppState>,
    ctx: Option<Extension<TenantCtx>>,
    session: Session,
    headers: HeaderMap,
    Query(query): Query<HandoffLink>,
) -> Response {
    let next = local_path(query.next);
    let (ctx, token) = match tenant_and_token(ctx, query.token) {
        Ok(both) => both,
        Err(answer) => return *answer,
    };
    let request_id = request_id_of(&headers);
    if followed_from_this_deployment(&headers) {
        exchange(&state, &ctx, &session, &token, &next, &request_id).await
    } else {
        ask_first(&state, &ctx, &token, &next, &request_id).await
    }
}

/// `POST /auth/handoff` (the confirmation's form, token in the body):
/// signs in. Cross-site posts never get here (`origin::reject_cross_origin`).
pub async fn confirm_handoff(
    State(state): State<AppState>,
    ctx: Option<Extension<TenantCtx>>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<HandoffLink>,
) -> Response {
    let next = local_path(form.next);
    let (ctx, token) = match tenant_and_token(ctx, form.token) {
        Ok(both) => both,
        Err(answer) => return *answer,
    };
    exchange(
        &state,
        &ctx,
        &session,
        &token,
        &next,
        &request_id_of(&headers),
    )
    .await
}

/// A handoff link: its token, and the page of the tenant host to land on.
#[derive(serde::Deserialize)]
pub struct HandoffLink {
    #[serde(flatten)]
    token: LinkToken,
    next: Option<String>,
}

/// The tenant host's address of a handoff with `token` that lands on
/// `next` (a path of that host).
pub fn handoff_path(token: &str, next: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("next", next)
        .finish();
    format!("/auth/handoff?{query}")
}

/// `next` when it is a path of this host (never another site: `//evil`,
/// `/\evil`, a scheme), else the home page.
fn local_path(next: Option<String>) -> String {
    next.filter(|path| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.starts_with("/\\")
            && path.len() <= 2048
            && path.bytes().all(|b| b.is_ascii_graphic())
    })
    .unwrap_or_else(|| "/".to_owned())
}

/// The tenant host and the token of a handoff request, or the answer when
/// either is missing: 404 off tenant hosts, "expired" without a token.
fn tenant_and_token(
    ctx: Option<Extension<TenantCtx>>,
    token: LinkToken,
) -> Result<(TenantCtx, String), Box<Response>> {
    let Some(Extension(ctx)) = ctx else {
        return Err(Box::new(StatusCode::NOT_FOUND.into_response()));
    };
    let token = token.text().ok_or_else(|| Box::new(link_expired()))?;
    Ok((ctx, token))
}

/// Whether the browser followed the link from a page (or a redirect) of
/// this deployment's site; `true` too for clients that are no browser.
fn followed_from_this_deployment(headers: &HeaderMap) -> bool {
    match headers.get("sec-fetch-site").map(|v| v.to_str()) {
        None => true,
        Some(Ok(site)) => matches!(site, "same-origin" | "same-site"),
        Some(Err(_)) => false,
    }
}

/// Consumes the token and opens this host's session for its user.
async fn exchange(
    state: &AppState,
    ctx: &TenantCtx,
    session: &Session,
    token: &str,
    next: &str,
    request_id: &str,
) -> Response {
    let user_id = match tokens::consume(
        &state.control,
        token,
        tokens::Purpose::Handoff,
        Some(ctx.tenant.id),
    )
    .await
    {
        Ok(Some(user_id)) => user_id,
        Ok(None) => return link_expired(),
        Err(e) => return failed(e, request_id),
    };
    if let Err(e) = sign_in::start(session, user_id, Some(ctx.tenant.id)).await {
        return failed(e, request_id);
    }
    Redirect::to(next).into_response()
}

/// The page that asks before signing in: whose account, which
/// organization. The token is not used up by showing it.
async fn ask_first(
    state: &AppState,
    ctx: &TenantCtx,
    token: &str,
    next: &str,
    request_id: &str,
) -> Response {
    let user_id = match tokens::holder(
        &state.control,
        token,
        tokens::Purpose::Handoff,
        Some(ctx.tenant.id),
    )
    .await
    {
        Ok(Some(user_id)) => user_id,
        Ok(None) => return link_expired(),
        Err(e) => return failed(e, request_id),
    };
    let user = match accounts::user(&state.control, user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return link_expired(),
        Err(e) => return failed(e, request_id),
    };
    plain_page(
        StatusCode::OK,
        "Continue to this organization?",
        &format!(
            "<p data-testid=\"handoff-confirm\">This link signs you in to <strong>{org}</strong> \
             ({host}) as <strong>{email}</strong>.</p>\
             <p>Continue only if you asked to sign in, and this is your account.</p>\
             <form method=\"post\" action=\"/auth/handoff\">\
             <input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <input type=\"hidden\" name=\"next\" value=\"{next}\">\
             <button type=\"submit\">Continue as {email}</button></form>\
             <p><a href=\"{apex}\">No, take me to Tenantry</a></p>",
            org = escape_html(&ctx.tenant.name),
            host = escape_html(&format!(
                "{}.{}",
                ctx.tenant.slug, state.settings.base_domain
            )),
            email = escape_html(&user.email),
            token = escape_html(token),
            next = escape_html(next),
            apex = escape_html(&state.settings.url_for(&state.settings.base_domain, "/")),
        ),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handoff_lands_only_on_a_page_of_its_own_host() {
        for path in ["/", "/settings?moved=1", "/teams?q=a%20b"] {
            assert_eq!(local_path(Some(path.to_owned())), path);
        }
        for elsewhere in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "settings",
            "/a b",
            "/\u{0}",
            "",
        ] {
            assert_eq!(local_path(Some(elsewhere.to_owned())), "/", "{elsewhere:?}");
        }
        assert_eq!(local_path(None), "/");
        let path = handoff_path("abc", "/settings?moved=1");
        assert_eq!(path, "/auth/handoff?token=abc&next=%2Fsettings%3Fmoved%3D1");
    }
}
