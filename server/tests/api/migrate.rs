//! `tenantry migrate`: control plane, template, then every tenant with
//! bounded concurrency, continuing past failures, with a per-tenant summary,
//! recorded schema versions and a non-zero exit when any failed.

use crate::helpers::{spawn_app, Backend, TestApp};
use migration::{MigratorTrait, TenantMigrator};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use tenancy::entities::tenants;

/// The version before the newest migration.
fn previous() -> String {
    let migrations = TenantMigrator::migrations();
    migrations[migrations.len() - 2].name().to_owned()
}

/// The (first) table the newest tenant migration creates
/// (`m20261208_000007_notifications`):
/// what a tenant one migration behind lacks.
const NEWEST_TABLE: &str = "notification_defaults";

/// Puts a tenant back where a tenant made before the newest migration is:
/// its database one migration behind, and the control plane saying so.
async fn one_migration_behind(app: &TestApp, slug: &str) -> sea_orm::DatabaseConnection {
    let tenant = app.tenant(slug).await.unwrap();
    let db = app.tenant_db(&tenant).await;
    TenantMigrator::down(&db, Some(1)).await.unwrap();
    let mut row: tenants::ActiveModel = tenant.into();
    row.schema_version = Set(Some(previous()));
    row.update(&app.state.control).await.unwrap();
    db
}

fn summary_line<'a>(stdout: &'a str, slug: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.starts_with(&format!("{slug} ")))
        .unwrap_or_else(|| panic!("no summary line for {slug}: {stdout}"))
}

async fn migrate_brings_every_tenant_to_the_latest_schema(backend: Backend) {
    let app = spawn_app(backend).await;
    for slug in ["alpha", "bravo", "charlie"] {
        app.sign_up(slug).await;
    }
    one_migration_behind(&app, "alpha").await.close().await.ok();
    one_migration_behind(&app, "bravo").await.close().await.ok();

    let status = app.cli(&["migrate", "--status"]);
    assert_eq!(status.code, Some(0), "{status:?}");
    assert!(
        summary_line(&status.stdout, "alpha").contains(&previous()),
        "{status:?}"
    );
    assert!(
        status.stdout.contains("3 tenant(s), 2 behind the latest"),
        "{status:?}"
    );

    let out = app.cli(&["migrate", "--concurrency", "2"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        summary_line(&out.stdout, "alpha").contains("migrated"),
        "{out:?}"
    );
    assert!(
        summary_line(&out.stdout, "bravo").contains("migrated"),
        "{out:?}"
    );
    assert!(
        summary_line(&out.stdout, "charlie").contains("already current"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("2 migrated, 1 already current, 0 failed"),
        "{out:?}"
    );
    // Not a terminal: one plain progress line per tenant.
    assert_eq!(out.stderr.matches("/3] ").count(), 3, "{out:?}");

    let latest = TenantMigrator::latest_version();
    for slug in ["alpha", "bravo", "charlie"] {
        let tenant = app.tenant(slug).await.unwrap();
        assert_eq!(tenant.schema_version.as_deref(), Some(latest.as_str()));
        assert!(app
            .tenant_tables(&tenant)
            .await
            .contains(&NEWEST_TABLE.to_owned()));
    }
    let status = app.cli(&["migrate", "--status"]);
    assert!(
        status.stdout.contains("3 tenant(s), 0 behind the latest"),
        "{status:?}"
    );
}

#[tokio::test]
async fn migrate_on_sqlite_brings_every_tenant_to_the_latest_schema() {
    migrate_brings_every_tenant_to_the_latest_schema(Backend::Sqlite).await;
}

#[tokio::test]
async fn migrate_on_postgres_brings_every_tenant_to_the_latest_schema() {
    migrate_brings_every_tenant_to_the_latest_schema(Backend::Postgres).await;
}

/// A tenant whose migration fails is reported and left at its old version
/// while the others migrate. Its old version is one this build can still
/// serve (at or above `MIN_SERVABLE_VERSION`), so it stays served, with its
/// data untouched.
#[tokio::test]
async fn a_failed_tenant_is_reported_and_kept_at_its_version_while_the_others_migrate() {
    let app = spawn_app(Backend::Postgres).await;
    let mut jar = app.signed_in_owner("broken").await;
    app.call(
        &app.tenant_host("broken"),
        "add_team",
        &[("name", "Platform")],
        Some(&mut jar),
    )
    .await;
    for slug in ["fine-one", "fine-two"] {
        app.sign_up(slug).await;
        one_migration_behind(&app, slug).await.close().await.ok();
    }
    // Something in the way of the next migration.
    let db = one_migration_behind(&app, "broken").await;
    db.execute_unprepared(&format!("CREATE TABLE {NEWEST_TABLE} (unexpected integer)"))
        .await
        .unwrap();
    db.close().await.ok();
    app.state.directory.invalidate("broken");

    let out = app.cli(&["migrate"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    let line = summary_line(&out.stdout, "broken");
    assert!(line.contains("FAILED"), "{out:?}");
    assert!(
        line.contains(NEWEST_TABLE),
        "the reason names the problem: {out:?}"
    );
    assert!(
        line.contains(&format!("stays at {}", previous())),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("2 migrated, 0 already current, 1 failed"),
        "{out:?}"
    );

    let broken = app.tenant("broken").await.unwrap();
    assert_eq!(broken.schema_version.as_deref(), Some(previous().as_str()));
    assert!(broken
        .migration_error
        .as_deref()
        .unwrap_or("")
        .contains(NEWEST_TABLE));
    let latest = TenantMigrator::latest_version();
    for slug in ["fine-one", "fine-two"] {
        let tenant = app.tenant(slug).await.unwrap();
        assert_eq!(tenant.schema_version.as_deref(), Some(latest.as_str()));
        app.state.directory.invalidate(slug);
        let page = app.get(&app.tenant_host(slug), "/", None).await;
        assert_eq!(page.status, 200, "{slug} is served: {}", page.body);
    }

    assert!(TenantMigrator::can_serve(Some(&previous())));
    let page = app
        .get(&app.tenant_host("broken"), "/", Some(&mut jar))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Platform"), "{}", page.body);
    let tenant = app.tenant("broken").await.unwrap();
    let db = app.tenant_db(&tenant).await;
    let teams = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM teams",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    db.close().await.ok();
    assert_eq!(teams, 1, "its data is untouched");

    let status = app.cli(&["migrate", "--status"]);
    assert!(
        summary_line(&status.stdout, "broken").contains("relation"),
        "{status:?}"
    );
    assert!(
        status.stdout.contains("3 tenant(s), 1 behind the latest"),
        "{status:?}"
    );
}

#[tokio::test]
async fn migrate_tenant_migrates_only_that_tenant() {
    let app = spawn_app(Backend::Sqlite).await;
    for slug in ["alpha", "bravo"] {
        app.sign_up(slug).await;
        one_migration_behind(&app, slug).await.close().await.ok();
    }
    let out = app.cli(&["migrate", "--tenant", "bravo"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout
            .contains("1 migrated, 0 already current, 0 failed"),
        "{out:?}"
    );
    assert_eq!(
        app.tenant("alpha").await.unwrap().schema_version.as_deref(),
        Some(previous().as_str())
    );
    let out = app.cli(&["migrate", "--tenant", "nobody"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("nobody"), "{out:?}");
}

#[tokio::test]
async fn a_tenant_below_the_servable_schema_gets_a_maintenance_page() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("stale").await;
    app.sign_up("fresh").await;
    let tenant = app.tenant("stale").await.unwrap();
    let mut row: tenants::ActiveModel = tenant.into();
    row.schema_version = Set(Some("m20200101_000000_before_teams".to_owned()));
    row.update(&app.state.control).await.unwrap();
    app.state.directory.invalidate("stale");

    let page = app.get(&app.tenant_host("stale"), "/", None).await;
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(
        page.body.contains(r#"data-testid="maintenance""#),
        "{}",
        page.body
    );
    assert_eq!(
        app.get(&app.tenant_host("fresh"), "/", None).await.status,
        200
    );
}
