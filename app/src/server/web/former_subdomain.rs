//! Requests to a subdomain the organization left (and still holds, see
//! `tenancy::subdomains`). The host router has resolved them to the
//! organization already; here a visit to a page is sent on to the same page
//! of the organization's subdomain now, and everything else (the REST API,
//! server functions from a page opened before the change) is served as on
//! the new host, so API tokens and open sessions keep working.
//!
//! A browser signed in on the old host carries its session across with a
//! handoff (its cookie is host-only, so the new host would not see it).

use crate::server::{
    identity::{accounts, sign_in},
    web::{
        handoff::handoff_path,
        host::{HostKind, ParsedHost},
    },
    AppState,
};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tenancy::context::TenantCtx;
use tower_sessions::Session;

/// Axum middleware, inside the session layer.
pub async fn redirect_former_subdomain(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let Some(tenant) = moved_to(&req) else {
        return next.run(req).await;
    };
    if !is_page_visit(&req) {
        return next.run(req).await;
    }
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let carried = match req.uri().path() {
        // A handoff link made for the old host works on the new one as is.
        "/auth/handoff" => None,
        _ => session_carried(&state, &session, &tenant, &path).await,
    };
    let path = carried.unwrap_or(path);
    let host = format!("{}.{}", tenant.slug, state.settings.base_domain);
    let mut response = Redirect::temporary(&state.settings.url_for(&host, &path)).into_response();
    // Only while the old subdomain is held: never cached as permanent.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The organization's tenant, when the request came to a subdomain it left.
fn moved_to(req: &Request) -> Option<tenancy::context::TenantInfo> {
    let ctx = req.extensions().get::<TenantCtx>()?;
    let host = req.extensions().get::<ParsedHost>()?;
    match &host.kind {
        HostKind::Tenant(asked) if *asked != ctx.tenant.slug => Some(ctx.tenant.clone()),
        _ => None,
    }
}

/// A browser visiting a page (or an asset): what a redirect serves well.
/// Server functions and the API are answered where they are asked.
fn is_page_visit(req: &Request) -> bool {
    matches!(*req.method(), Method::GET | Method::HEAD) && !req.uri().path().starts_with("/api/")
}

/// The handoff path that signs the session's member in on the new host and
/// lands on `path`, when the session is signed in to this organization.
async fn session_carried(
    state: &AppState,
    session: &Session,
    tenant: &tenancy::context::TenantInfo,
    path: &str,
) -> Option<String> {
    let signed_in = sign_in::current(session).await.ok().flatten()?;
    if signed_in.tenant_id != Some(tenant.id) {
        return None;
    }
    match accounts::handoff_to(&state.control, signed_in.user_id, &tenant.slug).await {
        Ok(token) => Some(handoff_path(&token, path)),
        // No longer a member, or the control plane failed: the plain
        // redirect still gets them there, to the log-in page.
        Err(e) => {
            tracing::warn!(error = %e, "no handoff from a former subdomain");
            None
        }
    }
}
