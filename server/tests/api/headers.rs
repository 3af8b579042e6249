//! Security headers on every answer: pages, API answers and error pages.

use crate::helpers::{spawn_app, spawn_app_with, Backend};
use crate::http::Response;

fn assert_guarded(what: &str, response: &Response) {
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
    ] {
        assert_eq!(response.header(name), Some(value), "{what}: {name}");
    }
}

#[tokio::test]
async fn pages_and_api_answers_are_guarded_and_never_cached() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let home = app.get(&host, "/", Some(&mut jar)).await;
    assert_eq!(home.status, 200);
    let api = app
        .call(&host, "tenant_home_data", &[], Some(&mut jar))
        .await;
    let unknown = app.get(&app.tenant_host("nobody"), "/", None).await;
    assert_eq!(unknown.status, 404);
    for (what, response) in [
        ("home", &home),
        ("server function", &api),
        ("404", &unknown),
    ] {
        assert_guarded(what, response);
        assert_eq!(response.header("cache-control"), Some("no-store"), "{what}");
        assert_eq!(response.header("strict-transport-security"), None, "{what}");
    }
    // The compiled front end may be cached.
    let css = app.get(&app.apex(), "/pkg/tenantry.css", None).await;
    assert_guarded("front end", &css);
    assert_ne!(css.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn over_https_browsers_are_told_to_keep_to_it() {
    let app = spawn_app_with(Backend::Sqlite, &["--https"]).await;
    let page = app.get(&app.apex(), "/login", None).await;
    assert_guarded("log-in page", &page);
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
}
