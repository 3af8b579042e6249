//! An organization's branding, served from its host to anyone (its log-in
//! page wears it too):
//!
//! * `GET /brand.css`: its primary colour as the stylesheet's `--accent`,
//!   after Tenantry's own. A file rather than an inline style, which the
//!   Content-Security-Policy (`style-src 'self'`) refuses. Pages link it
//!   with the colour in the address, so a browser keeps it until the colour
//!   changes.
//! * `GET /logo.png`: its logo, as Tenantry encoded it (`org::logo`),
//!   linked with its version in the address and kept by browsers as long.

use crate::server::{error::request_id_of, org::logo};
use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use tenancy::context::TenantCtx;

pub async fn logo_png(request: Request) -> Response {
    // The version comes with the tenant (the tenant cache): no logo, or a
    // browser holding this one, is answered without reading the database.
    let Some(ctx) = request.extensions().get::<TenantCtx>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(version) = ctx.tenant.preferences.logo.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let named = request
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("v=")))
        == Some(version);
    let held = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag.as_bytes() == etag_of(version).as_bytes());
    if held {
        return logo_response(StatusCode::NOT_MODIFIED.into_response(), version, named);
    }
    match logo::image(&ctx.db).await {
        Ok(Some(image)) => logo_response(image.png.into_response(), &image.version, named),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            // Only this organization's database is down: its pages say so.
            tracing::warn!(error = %e, request_id = %request_id_of(request.headers()), "logo unreadable");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

fn etag_of(version: &str) -> String {
    format!("\"{version}\"")
}

/// `response` as the logo of `version`: its type and tag, kept for good
/// when the address names this version (`named`), asked again otherwise (an
/// old version's address, or none).
fn logo_response(mut response: Response, version: &str, named: bool) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    if let Ok(etag) = HeaderValue::from_str(&etag_of(version)) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if named {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    response
}

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
