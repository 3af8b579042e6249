//! The organization's audit log: written with every change, in the change's
//! transaction; read on the audit page (filtered by actor, action and days)
//! and exported as CSV, by owners and admins only.

use crate::helpers::{app_error, spawn_app, Backend, TestApp};
use crate::http::CookieJar;
use app::model::{audit::AuditPage, AppError, Role};

async fn audit_page(
    app: &TestApp,
    jar: &mut CookieJar,
    filter: &[(&str, &str)],
) -> crate::http::Response {
    let mut fields = vec![("actor", ""), ("action", ""), ("from", ""), ("to", "")];
    for (key, value) in filter {
        fields.retain(|(k, _)| k != key);
        fields.push((key, value));
    }
    app.call(&app.tenant_host("acme"), "audit_log", &fields, Some(jar))
        .await
}

fn entries_of(response: &crate::http::Response) -> AuditPage {
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str(&response.body).expect("an audit page")
}

fn today() -> String {
    app::server::time::utc_date(app::server::time::now_unix())
}

async fn changes_are_logged_with_who_what_when_and_where(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    for (jar, name) in [(&mut owner, "Platform"), (&mut admin, "Payments")] {
        let added = app
            .call(&host, "add_team", &[("name", name)], Some(jar))
            .await;
        assert_eq!(added.status, 200, "{}", added.body);
    }
    // A rejected change (a duplicate name) leaves no entry.
    let duplicate = app
        .call(&host, "add_team", &[("name", "Platform")], Some(&mut owner))
        .await;
    assert_eq!(duplicate.status, 422);

    let page = entries_of(&audit_page(&app, &mut owner, &[]).await);
    assert_eq!(page.entries.len(), 2, "{page:?}");
    assert!(!page.truncated);
    assert_eq!(page.actions, ["team.add"]);
    // Newest first.
    let newest = &page.entries[0];
    assert_eq!(newest.actor_email, "admin@acme.test");
    assert_eq!(newest.action, "team.add");
    assert_eq!(newest.target, "team \"Payments\"");
    assert_eq!(newest.after.as_deref(), Some("Payments"));
    assert_eq!(newest.ip.as_deref(), Some("127.0.0.1"));
    assert!(newest.when.starts_with(&today()), "{}", newest.when);
    assert_eq!(page.entries[1].actor_email, "owner@acme.test");

    // Filters: part of the actor's email, the exact action, days (UTC).
    let by_owner = entries_of(&audit_page(&app, &mut admin, &[("actor", "OWNER@")]).await);
    assert_eq!(by_owner.entries.len(), 1);
    assert_eq!(by_owner.entries[0].target, "team \"Platform\"");
    let other_action =
        entries_of(&audit_page(&app, &mut admin, &[("action", "member.remove")]).await);
    assert!(other_action.entries.is_empty());
    let today = today();
    let on_today =
        entries_of(&audit_page(&app, &mut admin, &[("from", &today), ("to", &today)]).await);
    assert_eq!(on_today.entries.len(), 2);
    let before_today = entries_of(
        &audit_page(
            &app,
            &mut admin,
            &[("from", "2020-01-01"), ("to", "2020-12-31")],
        )
        .await,
    );
    assert!(before_today.entries.is_empty());

    // The actor filter is text to find, not a LIKE pattern.
    for literal in ["%", "_wner@"] {
        let found = entries_of(&audit_page(&app, &mut admin, &[("actor", literal)]).await);
        assert!(found.entries.is_empty(), "{literal}: {:?}", found.entries);
    }
    let hidden = audit_page(&app, &mut admin, &[("actor", "owner\0")]).await;
    assert_eq!(hidden.status, 422, "{}", hidden.body);
    assert!(app_error(&hidden).field_error("actor").is_some());

    let bad = audit_page(&app, &mut admin, &[("from", "last tuesday")]).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let error = app_error(&bad);
    assert_eq!(
        error.field_error("from").as_deref(),
        Some("Enter a date like 2026-11-23.")
    );
    assert_eq!(error.field_value("from").as_deref(), Some("last tuesday"));
}

#[tokio::test]
async fn changes_are_logged_with_who_what_when_and_where_on_sqlite() {
    changes_are_logged_with_who_what_when_and_where(Backend::Sqlite).await;
}

#[tokio::test]
async fn changes_are_logged_with_who_what_when_and_where_on_postgres() {
    changes_are_logged_with_who_what_when_and_where(Backend::Postgres).await;
}

#[tokio::test]
async fn only_owners_and_admins_read_or_export_the_log() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    app.call(&host, "add_team", &[("name", "Secret")], Some(&mut owner))
        .await;
    for role in Role::ALL {
        let mut jar = if role == Role::Owner {
            owner.clone()
        } else {
            app.signed_in_as("acme", role).await
        };
        let page = audit_page(&app, &mut jar, &[]).await;
        let csv = app.get(&host, "/audit.csv", Some(&mut jar)).await;
        let html = app.get(&host, "/audit", Some(&mut jar)).await;
        if matches!(role, Role::Owner | Role::Admin) {
            assert_eq!(page.status, 200, "{role:?}");
            assert_eq!(csv.status, 200, "{role:?}");
            assert!(html.body.contains("Secret"), "{role:?}");
        } else {
            assert_eq!(page.status, 403, "{role:?}");
            assert_eq!(app_error(&page), AppError::Forbidden);
            assert_eq!(csv.status, 403, "{role:?}");
            assert!(!csv.body.contains("Secret") && !html.body.contains("Secret"));
            assert!(html.body.contains(r#"data-testid="forbidden""#), "{role:?}");
        }
    }
    let anonymous = app.get(&host, "/audit.csv", None).await;
    assert_eq!(anonymous.status, 401);
    assert!(!anonymous.body.contains("Secret"));
    let on_apex = app.get(&app.apex(), "/audit.csv", None).await;
    assert_eq!(on_apex.status, 404);
}

#[tokio::test]
async fn the_export_is_csv_of_the_filtered_log_with_formulas_defused() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    for name in ["=HYPERLINK(\"http://evil\")", "Plain, with comma"] {
        let added = app
            .call(&host, "add_team", &[("name", name)], Some(&mut owner))
            .await;
        assert_eq!(added.status, 200, "{}", added.body);
    }
    let csv = app.get(&host, "/audit.csv", Some(&mut owner)).await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"acme-audit-log.csv\"")
    );
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "time,actor,action,target,before,after,ip");
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(
        lines[1].contains(",owner@acme.test,team.add,\"team \"\"Plain, with comma\"\"\",,\"Plain, with comma\",127.0.0.1"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","),
        "the formula is defused: {}",
        lines[2]
    );

    // The same filter as the page.
    let filtered = app
        .get(&host, "/audit.csv?actor=nobody", Some(&mut owner))
        .await;
    assert_eq!(
        filtered
            .body
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .count(),
        1
    );
    let bad = app
        .get(&host, "/audit.csv?from=tomorrow", Some(&mut owner))
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Enter a date like"), "{}", bad.body);
}

#[tokio::test]
async fn the_audit_page_filters_through_the_address_without_javascript() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    app.call(&host, "add_team", &[("name", "By owner")], Some(&mut owner))
        .await;
    app.call(&host, "add_team", &[("name", "By admin")], Some(&mut admin))
        .await;

    let all = app.get(&host, "/audit", Some(&mut owner)).await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("By owner") && all.body.contains("By admin"));
    let filtered = app
        .get(&host, "/audit?actor=admin%40", Some(&mut owner))
        .await;
    assert!(filtered.body.contains("By admin"), "{}", filtered.body);
    assert!(!filtered.body.contains("By owner"), "{}", filtered.body);
    // The export link carries the same filter.
    assert!(
        filtered.body.contains("/audit.csv?actor=admin%40"),
        "{}",
        filtered.body
    );
    let bad = app
        .get(&host, "/audit?to=31/12/2026", Some(&mut owner))
        .await;
    assert!(bad.body.contains("Enter a date like"), "{}", bad.body);

    let home = app.get(&host, "/", Some(&mut owner)).await;
    assert!(home.body.contains(r#"data-testid="nav-audit""#));
    let mut member = app.signed_in_as("acme", Role::Member).await;
    let home = app.get(&host, "/", Some(&mut member)).await;
    assert!(!home.body.contains(r#"data-testid="nav-audit""#));
    assert!(home.body.contains(r#"data-testid="nav-members""#));
}
