//! The tenant directory caches slug → tenant, and a change to a tenant is
//! seen at once by the instance that made it and within a second by the
//! others (PostgreSQL NOTIFY); hosts that name no tenant are remembered
//! apart, briefly, and an address asking for many of them is slowed down.

use crate::helpers::{eventually, spawn_app, spawn_app_with, Backend};
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
async fn unknown_subdomains_are_remembered_apart_and_briefly() {
    let app = spawn_app(Backend::Sqlite).await;
    for i in 0..50 {
        let page = app
            .get(&app.tenant_host(&format!("nobody-{i}")), "/", None)
            .await;
        assert_eq!(page.status, 404);
    }
    // They take no room among the tenants, and a bounded one of their own.
    assert!(app.state.directory.is_empty());
    assert_eq!(app.state.directory.misses(), 50);
    // Asking again is answered from memory: the same 404, no query.
    let queries = app.state.directory.queries();
    for _ in 0..10 {
        let again = app.get(&app.tenant_host("nobody-0"), "/", None).await;
        assert_eq!(again.status, 404);
    }
    assert_eq!(app.state.directory.queries(), queries);
    // A tenant created under a remembered name is served at once.
    app.sign_up("nobody-1").await;
    let page = app.get(&app.tenant_host("nobody-1"), "/", None).await;
    assert_eq!(page.status, 200, "{}", page.body);
}

#[tokio::test]
async fn another_instance_forgets_a_miss_when_the_tenant_is_created() {
    let first = spawn_app(Backend::Postgres).await;
    let second = first.second_instance().await;
    let host = first.tenant_host("latecomer");
    // Remembered as unknown (asked again until so: the instance's listener,
    // when it connects, starts afresh and forgets).
    eventually(
        "the second instance to remember the miss",
        Duration::from_secs(5),
        || async {
            assert_eq!(second.get(&host, "/", None).await.status, 404);
            tokio::time::sleep(Duration::from_millis(100)).await;
            (second.state.directory.misses() == 1).then_some(())
        },
    )
    .await;
    first.sign_up("latecomer").await;
    eventually(
        "the second instance to serve the new tenant",
        Duration::from_secs(1),
        || async { (second.get(&host, "/", None).await.status == 200).then_some(()) },
    )
    .await;
}

#[tokio::test]
async fn an_address_that_asks_for_many_unknown_hosts_is_slowed_down() {
    use app::server::rate_limit::Limits;
    let app = spawn_app_with(Backend::Sqlite, &["--behind-proxy"]).await;
    app.sign_up("acme").await;
    let get = |host: String, ip: &'static str| {
        let app = &app;
        async move {
            app.get_with_headers(&host, "/", &[("X-Forwarded-For", ip)])
                .await
        }
    };
    // The real tenant is known before the flood.
    assert_eq!(
        get(app.tenant_host("acme"), "203.0.113.5").await.status,
        200
    );
    for i in 0..Limits::UNKNOWN_HOSTS_PER_IP.max {
        let page = get(app.tenant_host(&format!("nx{i}")), "203.0.113.5").await;
        assert_eq!(page.status, 404, "{i}");
    }
    let slowed = get(app.tenant_host("nx-next"), "203.0.113.5").await;
    assert_eq!(slowed.status, 429, "{}", slowed.body);
    assert!(slowed.header("retry-after").is_some());
    assert_eq!(
        app.state.directory.misses(),
        Limits::UNKNOWN_HOSTS_PER_IP.max
    );
    // The same address still reaches the tenant it knows; others are unaffected.
    assert_eq!(
        get(app.tenant_host("acme"), "203.0.113.5").await.status,
        200
    );
    assert_eq!(
        get(app.tenant_host("nx-next"), "198.51.100.1").await.status,
        404
    );
}
