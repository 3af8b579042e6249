//! The organization's settings: renaming it (every page shows the new name,
//! with and without JavaScript, audited), and deleting it: its owner
//! re-enters the password and types the subdomain; the organization is
//! unreachable at once, an owner restores it from the apex within the
//! grace period, and the hourly sweep purges it after.

use crate::helpers::{app_error, spawn_app, Backend, TestApp, PASSWORD};
use crate::http::{CookieJar, Response};
use app::model::{AppError, Role};
use app::server::{identity::deletion, time::now_unix};

const DAY: i64 = 24 * 60 * 60;

#[tokio::test]
async fn a_new_name_shows_on_every_page_and_in_the_audit_log() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let renamed = app
        .call(
            &host,
            "rename_organization",
            &[("name", "Acme Tools")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let teams = app.get(&host, "/teams", Some(&mut owner)).await;
    assert!(teams.body.contains(">Acme Tools</a>"), "{}", teams.body);
    let entries = app.audit_entries("acme").await;
    let last = entries.last().unwrap();
    assert_eq!(last.action, "organization.rename");
    assert_eq!(last.after.as_deref(), Some("Acme Tools"));

    // A name that cannot be: the reason next to the field, the text kept.
    let refused = app
        .call(
            &host,
            "rename_organization",
            &[("name", "   ")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(app_error(&refused).field_error("name").is_some());

    // Without JavaScript: back to the page, which says it is saved.
    let posted = app
        .post_form_from(
            &host,
            "/settings",
            "rename_organization",
            &[("name", "Acme Works")],
            Some(&mut owner),
        )
        .await;
    assert!((300..400).contains(&posted.status), "{}", posted.body);
    let back = posted.header("location").unwrap().to_owned();
    assert_eq!(back, "/settings?saved=1");
    let page = app.get(&host, &back, Some(&mut owner)).await;
    assert!(
        page.body.contains(r#"data-testid="saved""#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="Acme Works""#), "{}", page.body);
}

/// Asks to delete acme on its host with `password` and `slug` typed.
async fn delete_acme(app: &TestApp, jar: &mut CookieJar, password: &str, slug: &str) -> Response {
    let fields = [("password", password), ("slug", slug)];
    app.call(
        &app.tenant_host("acme"),
        "delete_organization",
        &fields,
        Some(jar),
    )
    .await
}

/// An apex session for `email`.
async fn on_the_apex(app: &TestApp, email: &str) -> CookieJar {
    let mut jar = CookieJar::default();
    let logged_in = app.log_in(&app.apex(), email, PASSWORD, &mut jar).await;
    assert!(logged_in.status < 400, "{}", logged_in.body);
    jar
}

#[tokio::test]
async fn an_owner_deletes_the_organization_and_an_owner_can_restore_it_for_a_while() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    // Owners only; the others see no danger zone.
    for role in [Role::Admin, Role::Member, Role::Viewer] {
        let mut jar = app.signed_in_as("acme", role).await;
        let refused = delete_acme(&app, &mut jar, PASSWORD, "acme").await;
        assert_eq!(refused.status, 403, "{role:?}: {}", refused.body);
        let settings = app.get(&host, "/settings", Some(&mut jar)).await;
        assert!(!settings.body.contains("danger-zone"), "{role:?}");
    }
    let settings = app.get(&host, "/settings", Some(&mut owner)).await;
    assert!(settings.body.contains("danger-zone"), "{}", settings.body);

    // The subdomain typed and the password, each checked at its field.
    for (password, slug, field) in [
        (PASSWORD, "acm", "slug"),
        ("not the password", "acme", "password"),
    ] {
        let refused = delete_acme(&app, &mut owner, password, slug).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        let error = app_error(&refused);
        assert!(error.field_error(field).is_some(), "{field}: {error:?}");
    }
    assert_eq!(app.get(&host, "/", Some(&mut owner)).await.status, 200);

    let deleted = delete_acme(&app, &mut owner, PASSWORD, "acme").await;
    assert!(deleted.status < 400, "{}", deleted.body);
    assert_eq!(app.get(&host, "/", Some(&mut owner)).await.status, 404);
    let actions = app.platform_actions("acme").await;
    assert!(actions.iter().any(|a| a == "tenant.delete"), "{actions:?}");

    // On the apex: the owner sees it with the day it is erased, and
    // restores it; an admin of it cannot.
    let mut admin_apex = on_the_apex(&app, "admin@acme.test").await;
    let page = app
        .get(&app.apex(), "/organizations", Some(&mut admin_apex))
        .await;
    assert!(!page.body.contains("restore-acme"), "{}", page.body);
    let by_admin = app
        .call(
            &app.apex(),
            "restore_organization",
            &[("slug", "acme")],
            Some(&mut admin_apex),
        )
        .await;
    assert_eq!(
        app_error(&by_admin),
        AppError::NotFound,
        "{}",
        by_admin.body
    );

    let mut owner_apex = on_the_apex(&app, "owner@acme.test").await;
    let page = app
        .get(&app.apex(), "/organizations", Some(&mut owner_apex))
        .await;
    assert!(
        page.body.contains(r#"data-testid="restore-acme""#),
        "{}",
        page.body
    );
    let erased_on = app::server::time::utc_date(now_unix() + 30 * DAY);
    assert!(page.body.contains(&erased_on), "{}", page.body);
    let restored = app
        .call(
            &app.apex(),
            "restore_organization",
            &[("slug", "acme")],
            Some(&mut owner_apex),
        )
        .await;
    assert!(restored.status < 400, "{}", restored.body);
    assert_eq!(app.get(&host, "/", Some(&mut owner)).await.status, 200);
}

#[tokio::test]
async fn an_owners_deletion_is_purged_after_the_grace_period_and_an_operators_is_left_alone() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let deleted = delete_acme(&app, &mut owner, PASSWORD, "acme").await;
    assert!(deleted.status < 400, "{}", deleted.body);
    // An operator deletes another: not for an owner to restore, nor for
    // the sweep.
    app.sign_up("held").await;
    tenancy::lifecycle::soft_delete(
        &app.state.control,
        &app.state.directory,
        "held",
        &tenancy::audit::PlatformActor::Cli("ops".into()),
        None,
    )
    .await
    .unwrap();
    let owner_of_held = app.user_id("owner@held.test").await;
    let restorable = deletion::restorable(&app.state.control, owner_of_held, 30, now_unix())
        .await
        .unwrap();
    assert!(restorable.is_empty(), "{restorable:?}");

    let state = &app.state;
    let sweep = async |now| {
        deletion::sweep(&state.control, &state.registry, &state.directory, 30, now)
            .await
            .unwrap()
    };
    assert!(sweep(now_unix() + 29 * DAY).await.is_empty());
    assert!(app.tenant("acme").await.is_some());
    assert_eq!(sweep(now_unix() + 31 * DAY).await, ["acme"]);
    assert!(
        app.tenant("acme").await.is_none(),
        "purged, its subdomain free"
    );
    assert!(
        app.tenant("held").await.is_some(),
        "the operator's to purge"
    );
    // Past the grace period it cannot be restored either.
    let owner_id = app.user_id("owner@acme.test").await;
    let late = deletion::restore(
        &state.control,
        &state.directory,
        owner_id,
        "acme",
        30,
        now_unix(),
    )
    .await;
    assert_eq!(late, Err(AppError::NotFound));
}

/// Whether `text` holds a date written `MM/DD/YYYY`.
fn has_us_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(10).any(|w| {
        let digits = |range: std::ops::Range<usize>| w[range].iter().all(u8::is_ascii_digit);
        digits(0..2) && w[2] == b'/' && digits(3..5) && w[5] == b'/' && digits(6..10)
    })
}

#[tokio::test]
async fn pages_write_times_in_the_organizations_zone_and_date_format() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let added = app
        .call(&host, "add_team", &[("name", "Payments")], Some(&mut owner))
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let before = app.get(&host, "/audit", Some(&mut owner)).await;
    assert!(before.body.contains(" UTC</td>"), "{}", before.body);

    // Names that are not a zone or a format: refused at their field.
    for (zone, format, field) in [
        ("Mars/Olympus_Mons", "us", "time_zone"),
        ("America/New_York", "roman", "date_format"),
    ] {
        let refused = app
            .call(
                &host,
                "update_display",
                &[("time_zone", zone), ("date_format", format)],
                Some(&mut owner),
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(app_error(&refused).field_error(field).is_some(), "{field}");
    }

    let set = app
        .call(
            &host,
            "update_display",
            &[("time_zone", "America/New_York"), ("date_format", "us")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let entries = app.audit_entries("acme").await;
    let last = entries.last().unwrap();
    assert_eq!(last.action, "organization.display");
    assert_eq!(last.after.as_deref(), Some("America/New_York · us"));

    // The audit log, the members list and the settings page, in New York's
    // time and the American order; the CSV export stays in UTC.
    let audit = app.get(&host, "/audit", Some(&mut owner)).await;
    assert!(
        audit.body.contains(" EST</td>") || audit.body.contains(" EDT</td>"),
        "{}",
        audit.body
    );
    assert!(!audit.body.contains(" UTC</td>"), "{}", audit.body);
    assert!(has_us_date(&audit.body), "{}", audit.body);
    let members = app.get(&host, "/members", Some(&mut owner)).await;
    assert!(has_us_date(&members.body), "{}", members.body);
    let settings = app.get(&host, "/settings", Some(&mut owner)).await;
    assert!(
        settings
            .body
            .contains(r#"<option value="America/New_York" selected"#),
        "{}",
        settings.body
    );
    let csv = app.get(&host, "/audit.csv", Some(&mut owner)).await;
    assert!(csv.body.contains(" UTC,"), "{}", csv.body);
    assert!(!has_us_date(&csv.body), "{}", csv.body);
}

#[tokio::test]
async fn the_primary_colour_is_checked_for_contrast_and_colours_every_page() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    app.sign_up("other").await;

    let unreadable = app
        .call(
            &host,
            "update_branding",
            &[("brand_color", "#ffff00")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(unreadable.status, 422, "{}", unreadable.body);
    let error = app_error(&unreadable).field_error("brand_color").unwrap();
    assert!(error.contains("contrast 1.1:1"), "{error}");
    let home = app.get(&host, "/", Some(&mut owner)).await;
    assert!(!home.body.contains("/brand.css"), "{}", home.body);

    let set = app
        .call(
            &host,
            "update_branding",
            &[("brand_color", "#0B6E4F")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let last = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(last.action, "organization.branding");
    assert_eq!(last.after.as_deref(), Some("#0b6e4f"));
    for path in ["/", "/teams", "/settings"] {
        let page = app.get(&host, path, Some(&mut owner)).await;
        assert!(
            page.body.contains(r#"href="/brand.css?c=0b6e4f""#),
            "{path}: {}",
            page.body
        );
    }
    let css = app.get(&host, "/brand.css?c=0b6e4f", None).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css"));
    assert!(css.body.contains("--accent: #0b6e4f;"), "{}", css.body);
    // Another organization keeps Tenantry's colour.
    let theirs = app.get(&app.tenant_host("other"), "/brand.css", None).await;
    assert_eq!(theirs.status, 404);

    // Empty: back to Tenantry's.
    let reset = app
        .call(
            &host,
            "update_branding",
            &[("brand_color", "")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    let home = app.get(&host, "/", Some(&mut owner)).await;
    assert!(!home.body.contains("/brand.css"), "{}", home.body);
}
