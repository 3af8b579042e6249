//! `GET /brand.css` on an organization's host: its primary colour as the
//! stylesheet's `--accent`, after Tenantry's own. A file rather than an
//! inline style, which the Content-Security-Policy (`style-src 'self'`)
//! refuses. Pages link it with the colour in the address, so a browser
//! keeps it until the colour changes.

use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use tenancy::context::TenantCtx;

pub async fn brand_css(request: Request) -> Response {
    let Some(color) = request
        .extensions()
        .get::<TenantCtx>()
        .and_then(|ctx| ctx.tenant.preferences.brand_color.clone())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = format!(":root {{ --accent: {color}; }}\n").into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

/// The stylesheet's address for `color` (`#rrggbb`).
pub fn href(color: &str) -> String {
    format!("/brand.css?c={}", color.trim_start_matches('#'))
}
