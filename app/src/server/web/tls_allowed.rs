//! `GET /tls/allowed?domain=HOST`, on any host: whether Tenantry answers
//! for `HOST`, asked by a reverse proxy before it gets a certificate for a
//! host on demand (Caddy's `on_demand_tls { ask … }`): 200 for the base
//! domain, its `www` and `admin` hosts, an organization's subdomain and a
//! custom domain verified for an organization, 404 for anything else, so
//! that nobody can make the proxy ask a certificate authority for names
//! that are not ours (its rate limits would then refuse ours).
//!
//! It answers from the tenant cache, like the host router, with the same
//! limit on hosts that name nothing per client address.

use crate::server::{
    rate_limit::{address_key, seconds_to_wait},
    web::{
        context::client_ip_from,
        host::{parse_host, HostKind},
    },
    AppState,
};
use axum::{
    extract::{Query, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use tenancy::catalog::TenantStatus;

#[derive(serde::Deserialize)]
pub struct Ask {
    domain: String,
}

pub async fn tls_allowed(State(state): State<AppState>, req: Request) -> Response {
    let Ok(Query(ask)) = Query::<Ask>::try_from_uri(req.uri()) else {
        return (StatusCode::BAD_REQUEST, "ask with ?domain=HOST").into_response();
    };
    let key = match parse_host(&ask.domain, &state.settings.base_domain).kind {
        HostKind::Apex | HostKind::Www | HostKind::Admin => return allowed(),
        HostKind::Tenant(key) | HostKind::Custom(key) => key,
        HostKind::Unknown => return not_ours(),
    };
    let address = address_key(client_ip_from(
        req.headers(),
        req.extensions(),
        state.settings.behind_proxy,
    ));
    let unknown_hosts = &state.limits.unknown_hosts_per_ip;
    if !state.directory.is_known(&key) {
        if let Err(wait) = unknown_hosts.check(&address) {
            let mut response =
                (StatusCode::TOO_MANY_REQUESTS, "too many unknown hosts").into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(seconds_to_wait(wait)),
            );
            return response;
        }
    }
    match state.directory.lookup(&key).await {
        // Suspended and provisioning organizations' hosts answer too (with
        // the page that says so).
        Ok(Some(tenant)) if tenant.status != TenantStatus::Deleted => allowed(),
        Ok(_) => {
            unknown_hosts.hit(&address);
            not_ours()
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot tell whether a host is ours");
            (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
        }
    }
}

fn allowed() -> Response {
    (StatusCode::OK, "allowed").into_response()
}

fn not_ours() -> Response {
    (StatusCode::NOT_FOUND, "not served here").into_response()
}
