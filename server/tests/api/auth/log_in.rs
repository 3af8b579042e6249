//! Logging in and out on a tenant's host and on the apex: the session
//! cookie, the same answer for a wrong email or password, other
//! organizations' members, and the apex's list of organizations.

use super::{home_status, COOKIE};
use crate::helpers::{app_error, spawn_app, Backend, PASSWORD};
use crate::http::CookieJar;
use app::model::AppError;

async fn a_member_logs_in_on_their_host_and_out_again(backend: Backend) {
    let app = spawn_app(backend).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    let mut jar = CookieJar::default();
    assert_eq!(home_status(&app, "acme", &mut jar).await, 401);

    let response = app
        .log_in(&host, " Owner@Acme.test ", PASSWORD, &mut jar)
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.header("location"), Some("/"));
    let cookie = response
        .headers_named("set-cookie")
        .find(|c| c.starts_with(COOKIE))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    // Host-only: no Domain attribute, so no other subdomain receives it.
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    // Plain http here: a Secure cookie would never come back.
    assert!(!cookie.contains("Secure"), "{cookie}");
    let page = app.get(&host, "/", Some(&mut jar)).await;
    assert!(page.body.contains("owner@acme.test"), "{}", page.body);

    let out = app.call(&host, "log_out", &[], Some(&mut jar)).await;
    assert_eq!(out.header("location"), Some("/login"));
    assert_eq!(home_status(&app, "acme", &mut jar).await, 401);
}

#[tokio::test]
async fn a_member_logs_in_on_their_host_and_out_again_on_sqlite() {
    a_member_logs_in_on_their_host_and_out_again(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_member_logs_in_on_their_host_and_out_again_on_postgres() {
    a_member_logs_in_on_their_host_and_out_again(Backend::Postgres).await;
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    let mut jar = CookieJar::default();
    let wrong_password = app
        .log_in(&host, "owner@acme.test", "not the password", &mut jar)
        .await;
    let unknown_email = app
        .log_in(&host, "nobody@acme.test", PASSWORD, &mut jar)
        .await;
    assert_eq!(wrong_password.status, 422);
    assert_eq!(unknown_email.status, 422);
    let message = |r| match app_error(r) {
        AppError::Validation(errors) => errors.get("form").map(str::to_owned),
        other => panic!("{other:?}"),
    };
    assert_eq!(message(&wrong_password), message(&unknown_email));
    assert!(wrong_password.header("set-cookie").is_none());
    assert_eq!(home_status(&app, "acme", &mut jar).await, 401);
}

#[tokio::test]
async fn an_empty_form_says_which_field_is_missing() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app
        .log_in(&app.apex(), "", "", &mut CookieJar::default())
        .await;
    assert_eq!(response.status, 422);
    let error = app_error(&response);
    assert_eq!(
        error.field_error("email").as_deref(),
        Some("Enter your email address.")
    );
    assert_eq!(
        error.field_error("password").as_deref(),
        Some("Enter your password.")
    );
}

async fn a_member_of_another_organization_does_not_get_in(backend: Backend) {
    let app = spawn_app(backend).await;
    app.sign_up("alpha").await;
    app.sign_up("bravo").await;
    let alpha = app.tenant_host("alpha");
    let mut jar = CookieJar::default();
    let response = app
        .log_in(&alpha, "owner@bravo.test", PASSWORD, &mut jar)
        .await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert!(
        response.body.contains("is not a member of Org alpha"),
        "{}",
        response.body
    );
    assert!(jar.get(&alpha, COOKIE).is_none());
    assert_eq!(home_status(&app, "alpha", &mut jar).await, 401);
    let page = app.get(&alpha, "/", Some(&mut jar)).await;
    assert!(page.body.contains("sign-in-required"), "{}", page.body);
    assert!(!page.body.contains("owner@alpha.test"));
}

#[tokio::test]
async fn a_member_of_another_organization_does_not_get_in_on_sqlite() {
    a_member_of_another_organization_does_not_get_in(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_member_of_another_organization_does_not_get_in_on_postgres() {
    a_member_of_another_organization_does_not_get_in(Backend::Postgres).await;
}

async fn the_apex_lists_a_users_organizations_and_opens_them(backend: Backend) {
    let app = spawn_app(backend).await;
    app.sign_up("alpha").await;
    app.sign_up("bravo").await;
    app.add_member("bravo", "owner@alpha.test", app::model::Role::Viewer)
        .await;

    let mut jar = CookieJar::default();
    let page = app.get(&app.apex(), "/organizations", Some(&mut jar)).await;
    assert!(page.body.contains("sign-in-required"), "{}", page.body);

    app.log_in(&app.apex(), "owner@alpha.test", PASSWORD, &mut jar)
        .await;
    let page = app.get(&app.apex(), "/organizations", Some(&mut jar)).await;
    assert!(page.body.contains("Org alpha"), "{}", page.body);
    assert!(page.body.contains("Org bravo"), "{}", page.body);
    assert!(page.body.contains("Viewer"), "{}", page.body);

    let open = app
        .call(
            &app.apex(),
            "open_organization",
            &[("slug", "bravo")],
            Some(&mut jar),
        )
        .await;
    assert_eq!(open.status, 200, "{}", open.body);
    let location = open.header("location").expect("a redirect").to_owned();
    let bravo = app.tenant_host("bravo");
    let path = location
        .split_once(&bravo)
        .expect("to bravo's host")
        .1
        .to_owned();
    let landed = app.get(&bravo, &path, Some(&mut jar)).await;
    assert_eq!(landed.status, 303);
    let home = app.call(&bravo, "org_shell", &[], Some(&mut jar)).await;
    assert!(home.body.contains(r#""role":"viewer""#), "{}", home.body);

    // Not a member of it, or no such organization: the same 404.
    app.sign_up("charlie").await;
    for slug in ["charlie", "nowhere"] {
        let response = app
            .call(
                &app.apex(),
                "open_organization",
                &[("slug", slug)],
                Some(&mut jar),
            )
            .await;
        assert_eq!(response.status, 404, "{slug}: {}", response.body);
    }
}

#[tokio::test]
async fn the_apex_lists_a_users_organizations_and_opens_them_on_sqlite() {
    the_apex_lists_a_users_organizations_and_opens_them(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_apex_lists_a_users_organizations_and_opens_them_on_postgres() {
    the_apex_lists_a_users_organizations_and_opens_them(Backend::Postgres).await;
}

/// Over https the cookie also carries the `__Host-` prefix, so that no
/// other organization's host (a sibling of this one) can set it.
#[tokio::test]
async fn served_over_https_the_session_cookie_is_secure_and_host_prefixed() {
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, &["--https"]).await;
    app.sign_up("acme").await;
    let response = app
        .log_in(
            &app.tenant_host("acme"),
            "owner@acme.test",
            PASSWORD,
            &mut CookieJar::default(),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    let cookie = response
        .headers_named("set-cookie")
        .find(|c| c.contains(COOKIE))
        .expect("a session cookie");
    assert!(cookie.starts_with(&format!("__Host-{COOKIE}=")), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.to_ascii_lowercase().contains("domain"), "{cookie}");
}
