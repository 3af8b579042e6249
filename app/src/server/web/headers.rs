//! Security headers on every response. Pages may not be framed by anyone
//! (`frame-ancestors 'none'`, and `X-Frame-Options` for older browsers),
//! content types are not sniffed, the address of a page (which can carry a
//! one-time token) is never sent to another origin, HTTPS is remembered
//! when Tenantry is served over it, and nothing but the compiled front end
//! (`/pkg/`) is kept in a cache: signed-in pages and API answers are
//! `no-store`.
//!
//! `Referrer-Policy` is `same-origin` rather than `no-referrer`: a form
//! posted without JavaScript is sent back to its page with its errors by
//! the `Referer` of the post, which `no-referrer` would drop; no other
//! origin ever sees an address.
//!
//! A full Content-Security-Policy (scripts by nonce, under which hydration
//! still works) is still to come (SECURITY.md L7).

use crate::server::AppState;
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cached = req.uri().path().starts_with("/pkg/");
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "frame-ancestors 'none'",
    );
    if state.settings.https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if !cached && !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}
