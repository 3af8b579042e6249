//! A request's tenant context. The host router classifies the `Host` header,
//! answers hosts that are not ours with a 404 page, and, on a tenant's host
//! (its subdomain, or a custom domain verified for it),
//! has the engine resolve the tenant ([`resolve`]: the in-process
//! [`TenantDirectory`], whether it may be served, its database pool leased
//! from the connection registry into a [`TenantCtx`]) and answers each
//! [`Refusal`]. This is the only place a request obtains a tenant database.
//!
//! What a tenant host answers when it cannot serve:
//! * unknown or deleted: 404 "no organization here"; an address that has
//!   asked for too many unknown hosts lately gets 429 instead of another
//!   control-plane lookup (hosts of tenants already known still answer);
//! * provisioning: 503 "being set up", refreshing itself;
//! * suspended: 403 "suspended" (server functions get `Forbidden` as JSON);
//! * schema too old for this build (a failed migration): 503 maintenance;
//! * database unreachable or its server's connection budget exhausted: 503,
//!   for this tenant only;
//! * as many of its requests under way as an organization may have
//!   (`TENANTRY_TENANT_CONCURRENCY`) for 3 s: 503 "busy" with `Retry-After`,
//!   for this tenant only.
//!
//! [`TenantDirectory`]: tenancy::directory::TenantDirectory

use crate::model::AppError;
pub use crate::server::markup::escape_html;
use crate::server::{
    error::request_id_of,
    rate_limit::{address_key, seconds_to_wait},
    web::{
        context::{client_ip_from, MemberMemo},
        host::{parse_host, HostKind, ParsedHost},
    },
    AppState,
};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
};
use tenancy::context::{resolve, Refusal, TenantCtx};

/// The host as the client sent it: `Host` for HTTP/1.1, the URI authority
/// for HTTP/2. Anything that is not visible ASCII yields an empty string,
/// which the parser treats as unknown.
fn request_host(req: &Request) -> String {
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_default()
}

/// Axum middleware: host → site → (on a tenant host) tenant → database.
pub async fn route_by_host(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let host = parse_host(&request_host(&req), &state.settings.base_domain);
    let apex_url = state.settings.url_for(&state.settings.base_domain, "/");
    match &host.kind {
        HostKind::Apex => {}
        HostKind::Www => {
            let path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = state.settings.url_for(&state.settings.base_domain, path);
            return Redirect::permanent(&target).into_response();
        }
        // A subdomain, or a custom domain (the directory finds the tenant
        // verified for it, by the same lookup).
        HostKind::Tenant(slug) | HostKind::Custom(slug) => {
            tracing::Span::current().record("tenant", slug.as_str());
            let request = RequestFacts {
                id: request_id_of(req.headers()),
                api: req.uri().path().starts_with("/api/"),
                address: address_key(client_ip_from(
                    req.headers(),
                    req.extensions(),
                    state.settings.behind_proxy,
                )),
            };
            let ctx = match tenant_context(&state, slug, &request, &apex_url).await {
                Ok(ctx) => ctx,
                Err(response) => return *response,
            };
            // The organization's turn lasts until its answer is ready.
            let turn = match state.limits.tenant_slots.enter(ctx.tenant.id).await {
                Ok(turn) => turn,
                Err(busy) => return busy_for(&request, &busy),
            };
            req.extensions_mut().insert(ctx);
            req.extensions_mut().insert(host);
            req.extensions_mut().insert(MemberMemo::default());
            let response = next.run(req).await;
            drop(turn);
            return response;
        }
        HostKind::Admin | HostKind::Unknown => return no_such_organization(&apex_url),
    }
    req.extensions_mut().insert(host);
    next.run(req).await
}

/// The organization has as many requests under way as it may: 503 with
/// `Retry-After`, a page or the JSON error.
fn busy_for(req: &RequestFacts, busy: &AppError) -> Response {
    let retry_after = busy.retry_after().unwrap_or(1);
    let mut response = if req.api {
        json_error(StatusCode::SERVICE_UNAVAILABLE, busy)
    } else {
        plain_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            &format!(
                "<p>This organization has many requests under way. Please try again in \
                 {retry_after} s.</p>"
            ),
        )
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// What the tenant checks need from the request (the request itself is not
/// `Sync`, so it cannot be borrowed across the awaits).
struct RequestFacts {
    id: String,
    /// A server function or API call, answered in JSON.
    api: bool,
    /// The client address's rate-limit key.
    address: String,
}

/// The tenant at `slug` with its database, or the page to answer instead.
async fn tenant_context(
    state: &AppState,
    slug: &str,
    req: &RequestFacts,
    apex_url: &str,
) -> Result<TenantCtx, Box<Response>> {
    let unknown_hosts = &state.limits.unknown_hosts_per_ip;
    if !state.directory.is_known(slug) {
        if let Err(wait) = unknown_hosts.check(&req.address) {
            return Err(Box::new(too_many_unknown_hosts(seconds_to_wait(wait))));
        }
    }
    resolve(&state.directory, &state.registry, slug)
        .await
        .map_err(|refusal| {
            if matches!(refusal, Refusal::NotFound) {
                unknown_hosts.hit(&req.address);
            }
            Box::new(refuse(&refusal, req, apex_url))
        })
}

/// The answer to an address that asked for too many unknown hosts lately.
fn too_many_unknown_hosts(retry_after_secs: u64) -> Response {
    let mut response = plain_page(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests",
        &format!(
            "<p>This address asked for too many organizations that do not exist. \
             Try again in {retry_after_secs} s.</p>"
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// The answer for a tenant that exists but must not be served now.
fn refuse(refusal: &Refusal, req: &RequestFacts, apex_url: &str) -> Response {
    let api = req.api;
    match refusal {
        Refusal::NotFound => no_such_organization(apex_url),
        Refusal::Suspended { .. } if api => json_error(StatusCode::FORBIDDEN, &AppError::Forbidden),
        Refusal::Provisioning { name } | Refusal::Maintenance { name } if api => {
            unavailable_for(req, name)
        }
        Refusal::Suspended { name } => plain_page(
            StatusCode::FORBIDDEN,
            "Organization suspended",
            &format!(
                "<p data-testid=\"suspended\">{} is suspended. Its members cannot use it \
                 until it is reactivated; its data is kept. Contact support to restore it.</p>",
                escape_html(name)
            ),
        ),
        Refusal::Provisioning { name } => {
            let mut response = plain_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Setting up your organization",
                &format!(
                    "<p data-testid=\"provisioning\">{} is being set up. This page reloads \
                     by itself in a moment.</p>",
                    escape_html(name)
                ),
            );
            response
                .headers_mut()
                .insert(header::REFRESH, HeaderValue::from_static("2"));
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            response
        }
        Refusal::Maintenance { name } => {
            let mut response = plain_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Down for maintenance",
                &format!(
                    "<p data-testid=\"maintenance\">{} is being upgraded and will be back \
                     shortly. Your data is safe.</p>",
                    escape_html(name)
                ),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            response
        }
        Refusal::Unavailable { name, busy, cause } => {
            let id = &req.id;
            if *busy {
                tracing::warn!(request_id = %id, error = %cause, "no room for the tenant's pool");
            } else {
                tracing::error!(request_id = %id, error = %cause, "tenant database unavailable");
            }
            unavailable_for(req, name)
        }
    }
}

/// The tenant cannot be served right now: a page, or for server functions
/// and the API the JSON error their clients understand. Both 503.
fn unavailable_for(req: &RequestFacts, org_name: &str) -> Response {
    if !req.api {
        return unavailable(org_name, &req.id);
    }
    let error = AppError::Unavailable {
        request_id: req.id.clone(),
    };
    let mut response = json_error(StatusCode::SERVICE_UNAVAILABLE, &error);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
}

fn json_error(status: StatusCode, error: &AppError) -> Response {
    (status, axum::Json(error)).into_response()
}

/// A small self-contained page for answers given before the app renders.
pub fn plain_page(status: StatusCode, title: &str, body_html: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Tenantry</title><link rel=\"stylesheet\" href=\"/pkg/tenantry.css\"></head>\
         <body><main class=\"card\"><h1>{title}</h1>{body_html}</main></body></html>",
        title = escape_html(title),
    );
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The 500 page of a plain handler: what failed, in one sentence, and the
/// request id to quote (the cause is logged with it).
pub fn failure_page(request_id: &str, what_failed: &str) -> Response {
    plain_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        &format!(
            "<p>{} Please try again.</p><p class=\"muted\">Request id: {}</p>",
            escape_html(what_failed),
            escape_html(request_id)
        ),
    )
}

fn no_such_organization(apex_url: &str) -> Response {
    plain_page(
        StatusCode::NOT_FOUND,
        "No organization here",
        &format!(
            "<p>There is no organization at this address. Check the spelling, or create \
             your organization.</p><p><a class=\"button\" href=\"{}\">Sign up for Tenantry</a></p>",
            escape_html(apex_url)
        ),
    )
}

fn unavailable(org_name: &str, request_id: &str) -> Response {
    let mut response = plain_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Temporarily unavailable",
        &format!(
            "<p>{} cannot be reached right now. Please try again in a minute.</p>\
             <p class=\"muted\">Request id: {}</p>",
            escape_html(org_name),
            escape_html(request_id)
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
}

impl ParsedHost {
    /// `SLUG.BASE` as a public URL with `path`.
    pub fn tenant_url(&self, state: &AppState, slug: &str, path: &str) -> String {
        let host = format!("{slug}.{}", state.settings.base_domain);
        state.settings.url_for(&host, path)
    }

    /// The apex (`BASE`) as a public URL with `path`.
    pub fn apex_url(&self, state: &AppState, path: &str) -> String {
        state.settings.url_for(&state.settings.base_domain, path)
    }
}
