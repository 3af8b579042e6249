//! Provisioning clones a template kept at the latest schema (or claims a
//! warm database), seeds it, and is a recorded state machine: failures and
//! crashes leave nothing behind and the subdomain can be taken again.

use crate::helpers::{
    app_error, eventually, spawn_app, spawn_app_with, Backend, TestApp, PASSWORD,
};
use app::model::AppError;
use app::server::time::now_unix;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, Statement,
};
use std::time::Duration;
use tenancy::{
    audit as platform_audit,
    catalog::STALE_PROVISIONING_SECS,
    databases as provisioning,
    entities::{database_servers, tenants, warm_databases},
    provision::{recover_stale, STEP_DATABASE},
    servers,
};

async fn seeded_name(app: &TestApp, slug: &str) -> Option<String> {
    let tenant = app.tenant(slug).await.unwrap();
    let db = app.tenant_db(&tenant).await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT value FROM settings WHERE key = 'organization_name'",
        ))
        .await
        .unwrap();
    db.close().await.ok();
    row.map(|r| r.try_get::<String>("", "value").unwrap())
}

async fn signup_clones_the_template_and_seeds_it(backend: Backend) {
    let app = spawn_app(backend).await;
    app.sign_up("acme").await;
    let tenant = app.tenant("acme").await.unwrap();
    assert_eq!(tenant.status, "active");
    assert_eq!(tenant.provision_step, None);
    assert_eq!(
        tenant.schema_version.as_deref(),
        Some(migration::TenantMigrator::latest_version().as_str())
    );
    let mut tables = app.tenant_tables(&tenant).await;
    tables.sort();
    assert!(tables.contains(&"teams".to_owned()), "{tables:?}");
    assert!(tables.contains(&"settings".to_owned()), "{tables:?}");
    assert_eq!(seeded_name(&app, "acme").await.as_deref(), Some("Org acme"));

    let server = app
        .state
        .registry
        .server(tenant.database_server_id.unwrap())
        .await
        .unwrap();
    let template =
        provisioning::template_location(&server, &app.state.registry.settings().name_prefix);
    assert!(
        provisioning::database_exists(&app.state.registry, &server, &template)
            .await
            .unwrap()
    );
    let audit = platform_audit::for_tenant(&app.state.control, "acme")
        .await
        .unwrap();
    assert_eq!(audit[0].action, "tenant.signup");
    assert_eq!(audit[0].detail, "database from the template");
}

#[tokio::test]
async fn signup_on_sqlite_clones_the_template_and_seeds_it() {
    signup_clones_the_template_and_seeds_it(Backend::Sqlite).await;
}

#[tokio::test]
async fn signup_on_postgres_clones_the_template_and_seeds_it() {
    signup_clones_the_template_and_seeds_it(Backend::Postgres).await;
}

/// Leaves what a sign-up that crashed after creating its database leaves:
/// a `provisioning` row `age` seconds old and its database.
async fn crashed_signup(app: &TestApp, slug: &str, age: i64) -> String {
    let default = servers::find_by_name(&app.state.control, "default")
        .await
        .unwrap()
        .unwrap();
    let server = app.state.registry.server(default.id).await.unwrap();
    let location =
        provisioning::new_location(&server, &app.state.registry.settings().name_prefix, slug);
    provisioning::create_database(&app.state.control, &app.state.registry, &server, &location)
        .await
        .unwrap();
    let then = now_unix() - age;
    tenants::ActiveModel {
        slug: Set(slug.to_owned()),
        name: Set("Crashed".to_owned()),
        status: Set("provisioning".to_owned()),
        database_location: Set(location.clone()),
        database_server_id: Set(Some(server.id)),
        provision_step: Set(Some(STEP_DATABASE.to_owned())),
        created_at: Set(then),
        status_changed_at: Set(Some(then)),
        ..Default::default()
    }
    .insert(&app.state.control)
    .await
    .unwrap();
    location
}

async fn a_crashed_signup_is_cleaned_up_and_its_subdomain_taken_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let orphan = crashed_signup(&app, "acme", STALE_PROVISIONING_SECS + 5).await;
    assert_eq!(app.tenant_databases().await.len(), 1);
    // While it is provisioning, the host says so.
    app.state.directory.clear();
    let page = app.get(&app.tenant_host("acme"), "/", None).await;
    assert_eq!(page.status, 503);
    assert!(
        page.body.contains(r#"data-testid="provisioning""#),
        "{}",
        page.body
    );

    let signed_up = app.sign_up("acme").await;
    assert_eq!(signed_up.slug, "acme");
    let tenant = app.tenant("acme").await.unwrap();
    assert_eq!(tenant.status, "active");
    assert_ne!(tenant.database_location, orphan);
    let databases = app.tenant_databases().await;
    assert_eq!(databases.len(), 1, "the orphan was dropped: {databases:?}");
    assert_eq!(
        app.platform_actions("acme").await,
        ["tenant.provisioning_abandoned", "tenant.signup"]
    );
}

#[tokio::test]
async fn a_crashed_signup_on_sqlite_is_cleaned_up_and_its_subdomain_taken_again() {
    a_crashed_signup_is_cleaned_up_and_its_subdomain_taken_again(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_crashed_signup_on_postgres_is_cleaned_up_and_its_subdomain_taken_again() {
    a_crashed_signup_is_cleaned_up_and_its_subdomain_taken_again(Backend::Postgres).await;
}

#[tokio::test]
async fn recovery_removes_only_stale_signups() {
    let app = spawn_app(Backend::Sqlite).await;
    crashed_signup(&app, "old-crash", STALE_PROVISIONING_SECS + 5).await;
    crashed_signup(&app, "in-progress", 1).await;
    let removed = recover_stale(&app.state.control, &app.state.registry)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(app.tenant("old-crash").await.is_none());
    assert!(app.tenant("in-progress").await.is_some());
    assert_eq!(app.tenant_databases().await.len(), 1);
    // A sign-up still in progress holds its subdomain.
    let response = app
        .try_sign_up("Other", "in-progress", "x@other.test", PASSWORD)
        .await;
    assert_eq!(
        app_error(&response).field_error("subdomain").as_deref(),
        Some("This subdomain is taken.")
    );
}

#[tokio::test]
async fn a_failure_while_provisioning_leaves_nothing_and_the_subdomain_free() {
    let app = spawn_app(Backend::Postgres).await;
    app.sign_up("first").await;
    // A server that does not answer, with the most headroom: placement picks it.
    let down = database_servers::ActiveModel {
        name: Set("down".to_owned()),
        kind: Set("postgres".to_owned()),
        url: Set("postgres://postgres@127.0.0.1:1/postgres".to_owned()),
        connection_budget: Set(10_000),
        created_at: Set(now_unix()),
        ..Default::default()
    }
    .insert(&app.state.control)
    .await
    .unwrap();

    let response = app
        .try_sign_up("Acme", "acme", "owner@acme.test", PASSWORD)
        .await;
    assert_eq!(response.status, 500, "{}", response.body);
    assert!(matches!(app_error(&response), AppError::Internal { .. }));
    assert!(!response.body.contains("127.0.0.1"), "{}", response.body);
    assert_eq!(app.count_tenants().await, 1);
    assert_eq!(app.tenant_databases().await.len(), 1);
    let availability = app
        .call(
            &app.apex(),
            "check_subdomain",
            &[("subdomain", "acme")],
            None,
        )
        .await;
    assert!(
        availability.body.contains(r#""available":true"#),
        "{}",
        availability.body
    );

    database_servers::Entity::delete_by_id(down.id)
        .exec(&app.state.control)
        .await
        .unwrap();
    let signed_up = app.sign_up("acme").await;
    assert_eq!(signed_up.slug, "acme");
}

#[tokio::test]
async fn new_tenants_go_to_the_server_with_the_most_headroom() {
    let app = spawn_app(Backend::Postgres).await;
    let url = crate::helpers::pg_url();
    let out = app.cli(&["servers", "add", "second", &url, "--budget", "200"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    // default: budget 64, second: 200. Both empty: the first goes to the
    // one with the lowest load, then they fill in proportion.
    for slug in ["one-t", "two-t", "three-t", "four-t"] {
        app.sign_up(slug).await;
    }
    let out = app.cli(&["servers", "list"]);
    let line = |name: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} missing: {out:?}"))
            .split_whitespace()
            .last()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(line("default"), 1, "{out:?}");
    assert_eq!(line("second"), 3, "{out:?}");
}

#[tokio::test]
async fn signups_claim_warm_databases_and_the_pool_is_refilled() {
    let app = spawn_app_with(Backend::Postgres, &["--warm-pool", "2"]).await;
    let warm = || async {
        warm_databases::Entity::find()
            .count(&app.state.control)
            .await
            .unwrap()
    };
    eventually("the warm pool to fill", Duration::from_secs(20), || async {
        (warm().await >= 2).then_some(())
    })
    .await;
    app.sign_up("acme").await;
    let audit = platform_audit::for_tenant(&app.state.control, "acme")
        .await
        .unwrap();
    assert_eq!(audit[0].detail, "database from the warm pool");
    assert_eq!(seeded_name(&app, "acme").await.as_deref(), Some("Org acme"));
    let tenant = app.tenant("acme").await.unwrap();
    assert!(tenant.database_location.contains("_acme_"), "{tenant:?}");
    let mut jar = app.signed_in_owner("bravo").await;
    let added = app
        .call(
            &app.tenant_host("bravo"),
            "add_team",
            &[("name", "Core")],
            Some(&mut jar),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);

    eventually(
        "the warm pool to be refilled",
        Duration::from_secs(20),
        || async { (warm().await >= 2).then_some(()) },
    )
    .await;
}
