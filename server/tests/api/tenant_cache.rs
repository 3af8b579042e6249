//! The tenant directory caches slug → tenant, and a change to a tenant is
//! seen at once by the instance that made it and within a second by the
//! others (PostgreSQL NOTIFY).

use crate::helpers::{eventually, spawn_app, Backend};
use std::time::Duration;
use tenancy::{audit::cli_actor, lifecycle as tenants};

#[tokio::test]
async fn a_suspension_takes_effect_at_once_in_the_instance_that_made_it() {
    let app = spawn_app(Backend::Postgres).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    // Served, and now cached (for 30 s on PostgreSQL).
    assert_eq!(app.get(&host, "/", None).await.status, 200);
    assert!(!app.state.directory.is_empty());

    tenants::suspend(
        &app.state.control,
        &app.state.directory,
        "acme",
        &cli_actor(),
        None,
    )
    .await
    .unwrap();
    let page = app.get(&host, "/", None).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(
        page.body.contains(r#"data-testid="suspended""#),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn another_instance_sees_a_suspension_within_a_second() {
    let first = spawn_app(Backend::Postgres).await;
    first.sign_up("acme").await;
    let second = first.second_instance().await;
    let host = second.tenant_host("acme");
    assert_eq!(second.get(&host, "/", None).await.status, 200);

    tenants::suspend(
        &first.state.control,
        &first.state.directory,
        "acme",
        &cli_actor(),
        None,
    )
    .await
    .unwrap();
    eventually(
        "the second instance to stop serving the suspended tenant",
        Duration::from_secs(1),
        || async { (second.get(&host, "/", None).await.status == 403).then_some(()) },
    )
    .await;

    tenants::activate(
        &first.state.control,
        &first.state.directory,
        "acme",
        &cli_actor(),
    )
    .await
    .unwrap();
    eventually(
        "the second instance to serve the activated tenant again",
        Duration::from_secs(1),
        || async { (second.get(&host, "/", None).await.status == 200).then_some(()) },
    )
    .await;
}

#[tokio::test]
async fn unknown_subdomains_are_not_cached() {
    let app = spawn_app(Backend::Sqlite).await;
    for i in 0..50 {
        let page = app
            .get(&app.tenant_host(&format!("nobody-{i}")), "/", None)
            .await;
        assert_eq!(page.status, 404);
    }
    assert!(app.state.directory.is_empty());
}
