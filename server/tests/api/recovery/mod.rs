//! Password reset by email link and "find my organizations": the same answer
//! whether the email has an account or not, single-use expiring links, every
//! session ended by a reset. How often, and by whom: `limits`.

mod limits;

use crate::helpers::{app_error, eventually, spawn_app, Backend, TestApp, PASSWORD};
use crate::http::{CookieJar, Response};
use app::server::entities::control::one_time_tokens;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::time::Duration;

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn ask_reset(app: &TestApp, email: &str) -> Response {
    app.call(
        &app.apex(),
        "request_password_reset",
        &[("email", email)],
        None,
    )
    .await
}

async fn set_password(app: &TestApp, token: &str, password: &str) -> Response {
    app.call(
        &app.apex(),
        "reset_password",
        &[("token", token), ("password", password)],
        None,
    )
    .await
}

async fn reset_token(app: &TestApp, email: &str) -> String {
    let mail = app
        .mail
        .last_about(email, "Reset your Tenantry password")
        .await;
    let link = mail.link("/reset-password").expect("a reset link");
    assert!(link.starts_with(&format!("http://{}/reset-password?token=", app.apex())));
    link.split("token=").nth(1).unwrap().to_owned()
}

async fn a_password_is_reset_by_email_and_every_session_ends(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");

    // Two links asked for; the second one is used.
    ask_reset(&app, "owner@acme.test").await;
    let earlier = reset_token(&app, "owner@acme.test").await;
    let asked = ask_reset(&app, " OWNER@acme.test ").await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(asked.header("location"), Some("/forgot-password?sent=1"));
    let token = eventually("the second reset link", Duration::from_secs(10), || async {
        let token = reset_token(&app, "owner@acme.test").await;
        (token != earlier).then_some(token)
    })
    .await;

    // A rejected password keeps the link usable.
    let short = set_password(&app, &token, "short").await;
    assert_eq!(short.status, 422);
    assert!(app_error(&short).field_error("password").is_some());
    let done = set_password(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.header("location"), Some("/login?reset=done"));

    let home = app.call(&host, "tenant_home", &[], Some(&mut owner)).await;
    assert_eq!(home.status, 401, "the old session ended");
    let mut jar = CookieJar::default();
    let old = app
        .log_in(&host, "owner@acme.test", PASSWORD, &mut jar)
        .await;
    assert_eq!(old.status, 422);
    let new = app
        .log_in(&host, "owner@acme.test", NEW_PASSWORD, &mut jar)
        .await;
    assert_eq!(new.status, 200, "{}", new.body);
    let home = app.call(&host, "org_shell", &[], Some(&mut jar)).await;
    assert!(
        home.body.contains(r#""email_verified":true"#),
        "{}",
        home.body
    );

    // The earlier link stopped working with the reset.
    let earlier = set_password(&app, &earlier, "yet another passphrase").await;
    assert_eq!(earlier.status, 422, "{}", earlier.body);
    // Used once.
    let again = set_password(&app, &token, "yet another passphrase").await;
    assert_eq!(again.status, 422);
    assert!(app_error(&again)
        .field_error("form")
        .unwrap()
        .contains("expired or was already used"));
    let page = app.get(&app.apex(), "/login?reset=done", None).await;
    assert!(page.body.contains(r#"data-testid="password-reset""#));
}

#[tokio::test]
async fn a_password_is_reset_by_email_and_every_session_ends_on_sqlite() {
    a_password_is_reset_by_email_and_every_session_ends(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_password_is_reset_by_email_and_every_session_ends_on_postgres() {
    a_password_is_reset_by_email_and_every_session_ends(Backend::Postgres).await;
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_and_no_mail() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let known = ask_reset(&app, "owner@acme.test").await;
    let unknown = ask_reset(&app, "nobody@acme.test").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
    assert_eq!(known.header("location"), unknown.header("location"));
    let found = app
        .call(
            &app.apex(),
            "find_organizations",
            &[("email", "nobody@acme.test")],
            None,
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    // The known one's mail arrives; by then the unknown one would have too.
    reset_token(&app, "owner@acme.test").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(app.mail.sent_to("nobody@acme.test").is_empty());

    let malformed = ask_reset(&app, "not an address").await;
    assert_eq!(malformed.status, 422);
    assert_eq!(
        app_error(&malformed).field_value("email").as_deref(),
        Some("not an address")
    );
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    ask_reset(&app, "owner@acme.test").await;
    let token = reset_token(&app, "owner@acme.test").await;
    one_time_tokens::Entity::update_many()
        .col_expr(
            one_time_tokens::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(app::server::time::now_unix() - 1),
        )
        .filter(one_time_tokens::Column::Purpose.eq("password_reset"))
        .exec(&app.state.control)
        .await
        .unwrap();
    let late = set_password(&app, &token, NEW_PASSWORD).await;
    assert_eq!(late.status, 422, "{}", late.body);
    let mut jar = CookieJar::default();
    let old = app
        .log_in(
            &app.tenant_host("acme"),
            "owner@acme.test",
            PASSWORD,
            &mut jar,
        )
        .await;
    assert_eq!(old.status, 200, "the password did not change");
}

#[tokio::test]
async fn find_my_organizations_emails_the_list_with_log_in_links() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    app.sign_up("beta").await;
    app.add_member("beta", "owner@acme.test", app::model::Role::Viewer)
        .await;

    let found = app
        .call(
            &app.apex(),
            "find_organizations",
            &[("email", "Owner@Acme.test")],
            None,
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.header("location"), Some("/find-organizations?sent=1"));
    let mail = app
        .mail
        .last_about("owner@acme.test", "Your Tenantry organizations")
        .await;
    assert!(
        mail.body.contains(&format!(
            "- Org acme (Owner): http://{}/login",
            app.tenant_host("acme")
        )),
        "{}",
        mail.body
    );
    assert!(
        mail.body.contains(&format!(
            "- Org beta (Viewer): http://{}/login",
            app.tenant_host("beta")
        )),
        "{}",
        mail.body
    );

    // Only on the apex.
    let on_tenant = app
        .call(
            &app.tenant_host("acme"),
            "find_organizations",
            &[("email", "owner@acme.test")],
            None,
        )
        .await;
    assert_eq!(on_tenant.status, 404);
    let page = app
        .get(&app.apex(), "/find-organizations?sent=1", None)
        .await;
    assert!(page.body.contains(r#"data-testid="sent""#), "{}", page.body);
}

#[tokio::test]
async fn emailed_links_carry_the_configured_port_not_the_requests() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    // Asked through a Host header naming another port of the same host.
    let forged_host = format!("{}:8081", crate::helpers::BASE);
    let asked = app
        .call(
            &forged_host,
            "request_password_reset",
            &[("email", "owner@acme.test")],
            None,
        )
        .await;
    assert!(asked.status < 400, "{}", asked.body);
    let mail = app
        .mail
        .last_about("owner@acme.test", "Reset your Tenantry password")
        .await;
    let link = mail.link("/reset-password").expect("a reset link");
    assert!(
        link.starts_with(&format!("http://{}/reset-password?token=", app.apex())),
        "{link}"
    );
    assert!(!link.contains(":8081"), "{link}");
}
