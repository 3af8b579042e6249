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
//! Pages rendered by Leptos carry a full Content-Security-Policy
//! ([`content_security_policy`]): scripts run only with the page's nonce
//! (leptos_axum makes one per response and puts it on the hydration
//! scripts; `'strict-dynamic'` lets those load the front end's modules, and
//! `'wasm-unsafe-eval'` compile its WebAssembly), everything else only from
//! this host, no plugins, no `<base>`. Other answers (JSON, plain pages,
//! files) run no script and get `frame-ancestors 'none'` alone.

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
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            "frame-ancestors 'none'",
        );
    }
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

/// The policy of a page whose scripts carry `nonce`. Debug builds may also
/// open the WebSocket of cargo-leptos' live reload.
pub fn page_policy(nonce: &str) -> String {
    let reload = if cfg!(debug_assertions) {
        " ws: wss:"
    } else {
        ""
    };
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// Sets this page's Content-Security-Policy, with the nonce leptos_axum
/// made for it; called by the document shell while it renders.
pub fn content_security_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
