//! Security headers on every answer: pages, API answers and error pages.

use crate::helpers::{spawn_app, spawn_app_with, Backend};
use crate::http::Response;

fn assert_guarded(what: &str, response: &Response) {
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
    ] {
        assert_eq!(response.header(name), Some(value), "{what}: {name}");
    }
    let policy = response.header("content-security-policy").unwrap_or("");
    assert!(
        policy.ends_with("frame-ancestors 'none'"),
        "{what}: {policy}"
    );
}

#[tokio::test]
async fn a_page_runs_only_the_scripts_that_carry_its_nonce() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    for (host, path) in [
        (app.apex(), "/"),
        (app.apex(), "/login"),
        (app.tenant_host("acme"), "/"),
        (app.tenant_host("acme"), "/teams"),
    ] {
        let page = app.get(&host, path, Some(&mut jar)).await;
        assert_eq!(page.status, 200, "{path}");
        let policy = page.header("content-security-policy").unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
        assert!(
            policy.starts_with("default-src 'self'; script-src 'nonce-"),
            "{policy}"
        );
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        // Every script of the page carries it (none would run otherwise).
        let tags: Vec<&str> = page
            .body
            .split("<script")
            .skip(1)
            .map(|rest| rest.split('>').next().unwrap_or(""))
            .collect();
        assert!(!tags.is_empty(), "{path}: the hydration scripts");
        for tag in tags {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: <script{tag}>"
            );
        }
        // And it is new for every answer.
        let again = app.get(&host, path, Some(&mut jar)).await;
        assert!(!again
            .header("content-security-policy")
            .unwrap()
            .contains(nonce));
    }
}

#[tokio::test]
async fn pages_and_api_answers_are_guarded_and_never_cached() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let home = app.get(&host, "/", Some(&mut jar)).await;
    assert_eq!(home.status, 200);
    let api = app.call(&host, "tenant_home", &[], Some(&mut jar)).await;
    assert_eq!(api.status, 200, "{}", api.body);
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
