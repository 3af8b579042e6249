//! The tenant directory caches slug → tenant, and a change to a tenant is
//! seen at once by the instance that made it and within a second by the
//! others (PostgreSQL NOTIFY).

use crate::helpers::{spawn_app, Backend};
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
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    loop {
        let status = second.get(&host, "/", None).await.status;
        if status == 403 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the second instance still served the suspended tenant after a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    tenants::activate(
        &first.state.control,
        &first.state.directory,
        "acme",
        &cli_actor(),
    )
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    while second.get(&host, "/", None).await.status != 200 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
