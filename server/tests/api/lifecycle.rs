//! The tenant lifecycle from the CLI: list, show, suspend, activate, delete
//! (soft) and purge, each recorded in the platform audit table, and seen by
//! the running server.

use crate::helpers::{app_error, eventually_ok, spawn_app, Backend, TestApp};
use app::model::AppError;
use std::time::Duration;
use tenancy::audit as platform_audit;

/// Polls the tenant's page until it answers `status` (the CLI is another
/// process: on SQLite the server's cache lives a second, on PostgreSQL the
/// change is announced).
async fn wait_for_status(app: &TestApp, slug: &str, status: u16) -> String {
    let what = format!("{slug} to answer {status}");
    eventually_ok(&what, Duration::from_secs(3), || async {
        let page = app.get(&app.tenant_host(slug), "/", None).await;
        if page.status == status {
            return Ok(page.body);
        }
        Err(format!(
            "{slug} answered {} instead of {status}: {}",
            page.status, page.body
        ))
    })
    .await
}

async fn suspend_and_activate_from_the_cli(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    assert_eq!(app.get(&host, "/", Some(&mut jar)).await.status, 200);

    let out = app.cli(&["tenants", "suspend", "acme", "--reason", "unpaid invoice"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let body = wait_for_status(&app, "acme", 403).await;
    assert!(body.contains(r#"data-testid="suspended""#), "{body}");
    assert!(body.contains("Org acme is suspended"), "{body}");
    // Its API answers 403 too, even to its own owner.
    let api = app.call(&host, "tenant_home", &[], Some(&mut jar)).await;
    assert_eq!(api.status, 403, "{}", api.body);
    assert_eq!(app_error(&api), AppError::Forbidden);

    let out = app.cli(&["tenants", "list"]);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("acme ") && l.contains("suspended")),
        "{out:?}"
    );

    let out = app.cli(&["tenants", "activate", "acme"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    wait_for_status(&app, "acme", 200).await;
    let api = app.call(&host, "tenant_home", &[], Some(&mut jar)).await;
    assert_eq!(api.status, 200, "{}", api.body);

    let actions: Vec<String> = platform_audit::for_tenant(&app.state.control, "acme")
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.detail))
        .collect();
    assert_eq!(actions.len(), 3, "{actions:?}");
    assert!(actions[0].starts_with("tenant.signup"), "{actions:?}");
    assert_eq!(
        actions[1],
        "tenant.suspend active → suspended: unpaid invoice"
    );
    assert_eq!(actions[2], "tenant.activate suspended → active");

    let out = app.cli(&["tenants", "show", "acme"]);
    assert!(out.stdout.contains("status:          active"), "{out:?}");
    assert!(out.stdout.contains("tenant.suspend"), "{out:?}");
}

#[tokio::test]
async fn suspend_and_activate_from_the_cli_on_sqlite() {
    suspend_and_activate_from_the_cli(Backend::Sqlite).await;
}

#[tokio::test]
async fn suspend_and_activate_from_the_cli_on_postgres() {
    suspend_and_activate_from_the_cli(Backend::Postgres).await;
}

async fn delete_is_soft_and_purge_frees_the_subdomain(backend: Backend) {
    let app = spawn_app(backend).await;
    app.sign_up("acme").await;
    app.sign_up("other").await;
    let databases_before = app.tenant_databases().await;
    assert_eq!(databases_before.len(), 2);

    let out = app.cli(&["tenants", "delete", "acme"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let body = wait_for_status(&app, "acme", 404).await;
    assert!(body.contains("No organization here"), "{body}");
    // Soft: the data is kept and the subdomain stays taken.
    assert_eq!(app.tenant_databases().await.len(), 2);
    let retry = app
        .try_sign_up(
            "Acme again",
            "acme",
            "new@acme.test",
            crate::helpers::PASSWORD,
        )
        .await;
    assert_eq!(
        app_error(&retry).field_error("subdomain").as_deref(),
        Some("This subdomain is taken.")
    );

    // `delete --purge` on a live tenant does both at once.
    let out = app.cli(&["tenants", "delete", "other", "--purge"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let out = app.cli(&["tenants", "delete", "acme", "--purge"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("acme: purged"), "{out:?}");
    assert!(app.tenant_databases().await.is_empty());
    assert!(app.tenant("acme").await.is_none());

    let actions: Vec<String> = platform_audit::for_tenant(&app.state.control, "acme")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["tenant.signup", "tenant.delete", "tenant.purge"]);

    // The subdomain is free again, with a fresh database.
    let again = app.sign_up("acme").await;
    assert_eq!(again.slug, "acme");
    assert_eq!(app.tenant_databases().await.len(), 1);
}

#[tokio::test]
async fn delete_is_soft_and_purge_frees_the_subdomain_on_sqlite() {
    delete_is_soft_and_purge_frees_the_subdomain(Backend::Sqlite).await;
}

#[tokio::test]
async fn delete_is_soft_and_purge_frees_the_subdomain_on_postgres() {
    delete_is_soft_and_purge_frees_the_subdomain(Backend::Postgres).await;
}

#[tokio::test]
async fn lifecycle_commands_refuse_what_they_cannot_do() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let out = app.cli(&["tenants", "suspend", "nobody"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr
            .contains("no tenant has the subdomain \"nobody\""),
        "{out:?}"
    );
    let out = app.cli(&["tenants", "activate", "acme"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr
            .contains("tenant acme is active: cannot activate it"),
        "{out:?}"
    );
    assert_eq!(
        app.get(&app.tenant_host("acme"), "/", None).await.status,
        200
    );
}

const DAY: i64 = 24 * 60 * 60;

async fn sweep_at(app: &TestApp, now: i64) -> app::server::identity::unconfirmed::Swept {
    use app::server::identity::unconfirmed::{sweep, UnconfirmedPolicy};
    let state = &app.state;
    sweep(
        &state.control,
        &state.registry,
        &state.directory,
        UnconfirmedPolicy::default(),
        now,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn organizations_no_owner_confirmed_are_suspended_then_purged() {
    let app = spawn_app(Backend::Postgres).await;
    app.sign_up("ghost").await;
    app.sign_up("real").await;
    app.mark_verified("owner@real.test").await;
    // Unconfirmed too, but an operator suspended it: not the sweep's.
    app.sign_up("held").await;
    tenancy::lifecycle::suspend(
        &app.state.control,
        &app.state.directory,
        "held",
        &platform_audit::cli_actor(),
        Some("abuse report"),
    )
    .await
    .unwrap();
    let now = app::server::time::now_unix();
    let databases = app.tenant_databases().await.len();

    // Within the week nothing happens.
    assert_eq!(sweep_at(&app, now + 6 * DAY).await, Default::default());
    // After it, the unconfirmed one is suspended; the confirmed one is not.
    let swept = sweep_at(&app, now + 8 * DAY).await;
    assert_eq!(swept.suspended, vec!["ghost".to_owned()]);
    let ghost = app.get(&app.tenant_host("ghost"), "/", None).await;
    assert_eq!(ghost.status, 403, "{}", ghost.body);
    assert_eq!(
        app.get(&app.tenant_host("real"), "/", None).await.status,
        200
    );
    // After thirty days it is purged, database and all; the slug is free.
    let swept = sweep_at(&app, now + 31 * DAY).await;
    assert_eq!(swept.purged, vec!["ghost".to_owned()]);
    assert!(app.tenant("ghost").await.is_none());
    assert_eq!(app.tenant_databases().await.len(), databases - 1);
    assert!(app.tenant("real").await.is_some());
    assert!(
        app.tenant("held").await.is_some(),
        "an operator's suspension stays"
    );
    app.sign_up("ghost").await;
}

#[tokio::test]
async fn confirming_brings_a_suspended_organization_back() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("late").await;
    let now = app::server::time::now_unix();
    assert_eq!(
        sweep_at(&app, now + 8 * DAY).await.suspended,
        vec!["late".to_owned()]
    );
    let link = app
        .mail
        .last_about("owner@late.test", "Confirm your email address for Tenantry")
        .await
        .link("/verify-email")
        .unwrap();
    let confirmed = app.confirm_email(&link).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let page = app.get(&app.tenant_host("late"), "/", None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // And nothing is purged later.
    assert_eq!(sweep_at(&app, now + 31 * DAY).await, Default::default());
    assert!(app.tenant("late").await.is_some());
}
