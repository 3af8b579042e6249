use crate::helpers::{app_error, spawn_app, team_count, Backend, PASSWORD};
use crate::http::CookieJar;
use app::model::AppError;

async fn signup_provisions_a_migrated_database_and_signs_the_owner_in(backend: Backend) {
    let app = spawn_app(backend).await;

    let signed_up = app.sign_up("acme").await;

    assert_eq!(
        signed_up.handoff_url.split('?').next().unwrap(),
        format!("http://{}/auth/handoff", app.tenant_host("acme"))
    );
    let tenant = app.tenant("acme").await.expect("tenant row exists");
    assert_eq!(tenant.status, "active");
    assert_eq!(tenant.name, "Org acme");
    assert_eq!(
        tenant.schema_version.as_deref(),
        Some(migration::TenantMigrator::latest_version().as_str())
    );
    assert_eq!(app.tenant_databases().await.len(), 1);
    let tables = app.tenant_tables(&tenant).await;
    assert!(tables.contains(&"teams".to_owned()), "{tables:?}");
    assert!(
        tables.contains(&"tenant_migrations".to_owned()),
        "{tables:?}"
    );

    let mut jar = CookieJar::default();
    let handoff = app.follow_handoff(&signed_up, &mut jar).await;
    assert_eq!(handoff.status, 303);
    assert_eq!(handoff.header("location"), Some("/"));
    let cookie = handoff.header("set-cookie").expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.to_ascii_lowercase().contains("domain="),
        "host-only: {cookie}"
    );

    let home = app.get(&app.tenant_host("acme"), "/", Some(&mut jar)).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Org acme"), "{}", home.body);
    assert!(home.body.contains("owner@acme.test"), "{}", home.body);
    assert_eq!(team_count(&home.body), Some(0), "{}", home.body);
}

#[tokio::test]
async fn signup_on_sqlite_provisions_a_migrated_database_and_signs_the_owner_in() {
    signup_provisions_a_migrated_database_and_signs_the_owner_in(Backend::Sqlite).await;
}

#[tokio::test]
async fn signup_on_postgres_provisions_a_migrated_database_and_signs_the_owner_in() {
    signup_provisions_a_migrated_database_and_signs_the_owner_in(Backend::Postgres).await;
}

async fn rejected_subdomains_get_field_errors_and_create_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.sign_up("taken").await;
    let (tenants, users, databases) = (
        app.count_tenants().await,
        app.count_users().await,
        app.tenant_databases().await.len(),
    );

    for (slug, message) in [
        ("ab", "Use at least 3 characters."),
        (
            "Bad_Slug",
            "Use only lowercase letters, digits and hyphens.",
        ),
        ("-edge", "A subdomain cannot start or end with a hyphen."),
        ("admin", "This subdomain is reserved."),
        ("www", "This subdomain is reserved."),
        ("taken", "This subdomain is taken."),
    ] {
        let response = app
            .try_sign_up(
                "Someone",
                slug,
                &format!("x{}@example.com", slug.len()),
                PASSWORD,
            )
            .await;
        assert_eq!(response.status, 422, "{slug}: {}", response.body);
        let error = app_error(&response);
        assert_eq!(
            error.field_error("subdomain").as_deref(),
            Some(message),
            "{slug}"
        );
        assert_eq!(
            error.field_value("subdomain").as_deref(),
            Some(slug),
            "echoed back"
        );
    }

    assert_eq!(app.count_tenants().await, tenants, "no tenant row");
    assert_eq!(app.count_users().await, users, "no user");
    assert_eq!(app.tenant_databases().await.len(), databases, "no database");
}

#[tokio::test]
async fn rejected_subdomains_on_sqlite_get_field_errors_and_create_nothing() {
    rejected_subdomains_get_field_errors_and_create_nothing(Backend::Sqlite).await;
}

#[tokio::test]
async fn rejected_subdomains_on_postgres_get_field_errors_and_create_nothing() {
    rejected_subdomains_get_field_errors_and_create_nothing(Backend::Postgres).await;
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once_and_the_password_is_never_echoed() {
    let app = spawn_app(Backend::Sqlite).await;

    let response = app
        .try_sign_up("", "ok-slug", "not-an-email", "short")
        .await;

    let error = app_error(&response);
    assert_eq!(
        error.field_error("org_name").as_deref(),
        Some("Enter your organization's name.")
    );
    assert_eq!(
        error.field_error("email").as_deref(),
        Some("Enter an email address like name@example.com.")
    );
    assert_eq!(
        error.field_error("password").as_deref(),
        Some("Use at least 8 characters.")
    );
    assert_eq!(error.field_error("subdomain"), None);
    assert!(
        !response.body.contains("short"),
        "password echoed: {}",
        response.body
    );
    assert_eq!(app.count_tenants().await, 0);
}

#[tokio::test]
async fn an_existing_account_adds_an_organization_only_with_its_password() {
    let app = spawn_app(Backend::Sqlite).await;
    app.try_sign_up("First", "first", "ann@example.com", PASSWORD)
        .await;

    let wrong = app
        .try_sign_up("Second", "second", "ANN@example.com", "wrong password")
        .await;
    assert!(matches!(app_error(&wrong), AppError::Validation(ref e) if e.get("email").is_some()));
    assert!(app.tenant("second").await.is_none());

    let right = app
        .try_sign_up("Second", "second", "ann@example.com", PASSWORD)
        .await;
    assert_eq!(right.status, 200, "{}", right.body);
    assert_eq!(app.count_users().await, 1);
    assert_eq!(app.count_tenants().await, 2);
}

#[tokio::test]
async fn without_javascript_a_rejected_signup_redirects_back_with_errors_and_values() {
    let app = spawn_app(Backend::Sqlite).await;
    // The browser's cookies: the error is shown to the browser it was sent to.
    let mut jar = CookieJar::default();

    let response = app
        .post_form(
            &app.apex(),
            "sign_up",
            &[
                ("org_name", "Acme"),
                ("subdomain", "api"),
                ("email", "a@b.co"),
                ("password", PASSWORD),
            ],
            Some(&mut jar),
        )
        .await;

    assert_eq!(response.status, 302);
    let location = response.header("location").unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let path = location.split_once(&app.apex()).unwrap().1.to_owned();
    let page = app.get(&app.apex(), &path, Some(&mut jar)).await;
    assert!(
        page.body.contains("This subdomain is reserved."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"value="Acme""#),
        "org name kept: {}",
        page.body
    );
    assert!(!page.body.contains(PASSWORD), "password never echoed");
}

#[tokio::test]
async fn without_javascript_a_signup_redirects_to_the_new_subdomain() {
    let app = spawn_app(Backend::Sqlite).await;

    let response = app
        .post_form(
            &app.apex(),
            "sign_up",
            &[
                ("org_name", "Acme"),
                ("subdomain", "acme"),
                ("email", "a@b.co"),
                ("password", PASSWORD),
            ],
            None,
        )
        .await;

    assert_eq!(response.status, 302, "{}", response.body);
    let location = response.header("location").unwrap();
    assert!(
        location.starts_with(&format!(
            "http://{}/auth/handoff?token=",
            app.tenant_host("acme")
        )),
        "{location}"
    );
}

#[tokio::test]
async fn concurrent_signups_for_one_subdomain_create_exactly_one_tenant() {
    let app = spawn_app(Backend::Postgres).await;

    let attempts = (0..4).map(|i| {
        let email = format!("racer{i}@example.com");
        let app = &app;
        async move {
            app.try_sign_up("Racer", "contested", &email, PASSWORD)
                .await
        }
    });
    let responses = futures::future::join_all(attempts).await;

    let winners = responses.iter().filter(|r| r.status == 200).count();
    assert_eq!(winners, 1, "{responses:?}");
    for loser in responses.iter().filter(|r| r.status != 200) {
        assert_eq!(
            app_error(loser).field_error("subdomain").as_deref(),
            Some("This subdomain is taken.")
        );
    }
    assert_eq!(app.count_tenants().await, 1);
    assert_eq!(app.tenant_databases().await.len(), 1);
}

#[tokio::test]
async fn subdomain_availability_is_answered_live() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("taken").await;

    let taken = app
        .call(
            &app.apex(),
            "check_subdomain",
            &[("subdomain", "taken")],
            None,
        )
        .await;
    let free = app
        .call(
            &app.apex(),
            "check_subdomain",
            &[("subdomain", "free-one")],
            None,
        )
        .await;

    let taken: serde_json::Value = serde_json::from_str(&taken.body).unwrap();
    let free: serde_json::Value = serde_json::from_str(&free.body).unwrap();
    assert_eq!(taken["available"], false);
    assert_eq!(taken["message"], "This subdomain is taken.");
    assert_eq!(free["available"], true);
    assert_eq!(free["message"], "free-one.app.example is available.");
}

/// Signs up `slug` for `email`; the status it got.
async fn sign_up_status(app: &crate::helpers::TestApp, slug: &str, email: &str) -> u16 {
    app.try_sign_up(&format!("Org {slug}"), slug, email, PASSWORD)
        .await
        .status
}

#[tokio::test]
async fn sign_ups_are_limited_per_address_and_nothing_is_made_beyond() {
    let app =
        crate::helpers::spawn_app_with(Backend::Sqlite, &["--signups-per-address", "2"]).await;
    assert_eq!(sign_up_status(&app, "one", "a@example.com").await, 200);
    assert_eq!(sign_up_status(&app, "two", "b@example.com").await, 200);
    let third = app
        .try_sign_up("Org three", "three", "c@example.com", PASSWORD)
        .await;
    assert_eq!(third.status, 429, "{}", third.body);
    assert!(third.header("retry-after").is_some());
    assert!(matches!(app_error(&third), AppError::RateLimited { .. }));
    assert_eq!(app.count_tenants().await, 2);
    assert_eq!(app.tenant_databases().await.len(), 2);
    assert_eq!(app.count_users().await, 2);
}

#[tokio::test]
async fn sign_ups_are_limited_per_email_and_in_all() {
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, &["--signups-per-email", "1"]).await;
    assert_eq!(sign_up_status(&app, "one", "ann@example.com").await, 200);
    // The same account adding a second organization, with its password.
    assert_eq!(sign_up_status(&app, "two", "Ann@Example.com").await, 429);
    assert_eq!(sign_up_status(&app, "three", "bob@example.com").await, 200);

    let app = crate::helpers::spawn_app_with(Backend::Sqlite, &["--signups-per-hour", "2"]).await;
    assert_eq!(sign_up_status(&app, "one", "a@example.com").await, 200);
    assert_eq!(sign_up_status(&app, "two", "b@example.com").await, 200);
    assert_eq!(sign_up_status(&app, "three", "c@example.com").await, 429);
    assert_eq!(app.count_tenants().await, 2);
}

#[tokio::test]
async fn more_organizations_for_an_unconfirmed_account_send_no_more_confirmations() {
    let app = spawn_app(Backend::Sqlite).await;
    for slug in ["first", "second", "third"] {
        assert_eq!(sign_up_status(&app, slug, "ann@example.com").await, 200);
    }
    assert_eq!(app.count_tenants().await, 3);
    let confirmations = app
        .mail
        .sent_to("ann@example.com")
        .into_iter()
        .filter(|m| m.subject.contains("Confirm"))
        .count();
    assert_eq!(confirmations, 1);
}
