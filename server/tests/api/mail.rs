//! Email: delivered over real SMTP (the tests' sink), or kept in the outbox
//! and shown at /dev/mailbox in development; the verification link sent at
//! sign-up (single-use, expiring, stored hashed) and sent again on request
//! under the mail limits.

use crate::helpers::{spawn_app, spawn_app_with, Backend, TestApp};
use crate::http::CookieJar;
use app::server::entities::control::{one_time_tokens, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn verified_at(app: &TestApp, email: &str) -> Option<i64> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&app.state.control)
        .await
        .unwrap()
        .expect("the account exists")
        .email_verified_at
}

/// The path and query of an absolute link on the apex.
fn apex_path(app: &TestApp, link: &str) -> String {
    let prefix = format!("http://{}", app.apex());
    link.strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{link} is not on {prefix}"))
        .to_owned()
}

async fn sign_up_sends_a_verification_link_that_works_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");

    let mail = app.mail.last_to("owner@acme.test").await;
    assert_eq!(mail.subject, "Confirm your email address for Tenantry");
    let link = mail.link("/verify-email").expect("a verification link");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    // Stored only as a digest.
    let stored = one_time_tokens::Entity::find()
        .filter(one_time_tokens::Column::Purpose.eq("verify_email"))
        .one(&app.state.control)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, token);
    assert_eq!(
        stored.token_hash,
        app::server::identity::tokens::digest(&token)
    );

    let home = app.get(&host, "/", Some(&mut owner)).await;
    assert!(home.body.contains(r#"data-testid="verify-banner""#));
    assert_eq!(verified_at(&app, "owner@acme.test").await, None);

    // Opening the link, as a mail scanner does, only asks: twice over, the
    // address stays unconfirmed and the link keeps working.
    for _ in 0..2 {
        let page = app.get(&app.apex(), &apex_path(&app, &link), None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains(r#"data-testid="confirm-email""#));
        assert!(!page.body.contains(r#"data-testid="email-verified""#));
        assert_eq!(verified_at(&app, "owner@acme.test").await, None);
    }
    // Its button confirms.
    let confirmed = app.confirm_email(&link).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains(r#"data-testid="email-verified""#));
    assert!(verified_at(&app, "owner@acme.test").await.is_some());
    let home = app.get(&host, "/", Some(&mut owner)).await;
    assert!(!home.body.contains(r#"data-testid="verify-banner""#));

    // Used once: the second time, the page and the button both refuse it.
    let again = app.get(&app.apex(), &apex_path(&app, &link), None).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains(r#"data-testid="link-expired""#));
    let token = link.split("token=").nth(1).unwrap();
    let posted = app
        .submit_form(&app.apex(), "/verify-email", &[("token", token)], None)
        .await;
    assert_eq!(posted.status, 400, "{}", posted.body);
    let forged = app.get(&app.apex(), "/verify-email?token=00ff", None).await;
    assert_eq!(forged.status, 400);
    let forged = app
        .submit_form(&app.apex(), "/verify-email", &[("token", "00ff")], None)
        .await;
    assert_eq!(forged.status, 400);
}

#[tokio::test]
async fn sign_up_sends_a_verification_link_that_works_once_on_sqlite() {
    sign_up_sends_a_verification_link_that_works_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn sign_up_sends_a_verification_link_that_works_once_on_postgres() {
    sign_up_sends_a_verification_link_that_works_once(Backend::Postgres).await;
}

#[tokio::test]
async fn an_expired_verification_link_is_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let link = app
        .mail
        .last_to("owner@acme.test")
        .await
        .link("/verify-email")
        .unwrap();
    one_time_tokens::Entity::update_many()
        .col_expr(
            one_time_tokens::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(app::server::time::now_unix() - 1),
        )
        .filter(one_time_tokens::Column::Purpose.eq("verify_email"))
        .exec(&app.state.control)
        .await
        .unwrap();
    let page = app.confirm_email(&link).await;
    assert_eq!(page.status, 400);
    assert_eq!(verified_at(&app, "owner@acme.test").await, None);
}

#[tokio::test]
async fn the_link_can_be_sent_again_within_the_mail_limits() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    app.mail.last_to("owner@acme.test").await;

    let first_link = app.mail.sent_to("owner@acme.test")[0]
        .link("/verify-email")
        .unwrap();
    let resent = app
        .call(&host, "resend_verification", &[], Some(&mut owner))
        .await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    assert_eq!(resent.body, "true");
    let sent = app.mail.sent_to("owner@acme.test");
    assert_eq!(sent.len(), 2);
    assert_ne!(sent[1].link("/verify-email").unwrap(), first_link);

    // Three per hour per address: the fourth is refused with the wait.
    for _ in 0..2 {
        let response = app
            .call(&host, "resend_verification", &[], Some(&mut owner))
            .await;
        assert_eq!(response.status, 200, "{}", response.body);
    }
    let limited = app
        .call(&host, "resend_verification", &[], Some(&mut owner))
        .await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.header("retry-after").is_some());
    assert_eq!(app.mail.sent_to("owner@acme.test").len(), 4);

    // Either link works (each is its own token); once confirmed, nothing
    // more is sent.
    let page = app.confirm_email(&first_link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let response = app
        .call(&host, "resend_verification", &[], Some(&mut owner))
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.body, "false");
    assert_eq!(app.mail.sent_to("owner@acme.test").len(), 4);

    let anonymous = app
        .call(
            &host,
            "resend_verification",
            &[],
            Some(&mut CookieJar::default()),
        )
        .await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn without_smtp_mail_goes_to_the_outbox_shown_only_on_the_apex_in_development() {
    // The last flag wins: no SMTP server.
    let app = spawn_app_with(Backend::Sqlite, &["--smtp-url", ""]).await;
    app.sign_up("acme").await;
    assert!(app.mail.sent_to("owner@acme.test").is_empty());

    let mailbox = app.get(&app.apex(), "/dev/mailbox", None).await;
    assert_eq!(mailbox.status, 200, "{}", mailbox.body);
    assert!(mailbox
        .body
        .contains("Confirm your email address for Tenantry"));
    assert!(mailbox.body.contains("To owner@acme.test"));
    assert!(
        mailbox.body.contains("<a href=\"http://app.example:"),
        "links are clickable"
    );
    let on_tenant = app
        .get(&app.tenant_host("acme"), "/dev/mailbox", None)
        .await;
    assert_eq!(on_tenant.status, 404);

    // Mail older than a week leaves the outbox (its links expired long ago).
    use app::server::entities::control::outbox;
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(
                app::server::time::now_unix() - app::server::mail::OUTBOX_KEEP_SECS - 1,
            ),
        )
        .exec(&app.state.control)
        .await
        .unwrap();
    let purged = app::server::mail::purge_outbox(&app.state.control)
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let mailbox = app.get(&app.apex(), "/dev/mailbox", None).await;
    assert!(mailbox.body.contains(r#"data-testid="mailbox-empty""#));

    // With SMTP configured there is no outbox page.
    let with_smtp = spawn_app(Backend::Sqlite).await;
    let page = with_smtp.get(&with_smtp.apex(), "/dev/mailbox", None).await;
    assert_eq!(page.status, 404);
}

#[test]
fn the_mailbox_exists_only_in_development() {
    use app::server::{mail::Mailer, web::dev_mailbox};
    use leptos::config::{Env, LeptosOptions};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let control = runtime
        .block_on(sea_orm::Database::connect("sqlite::memory:"))
        .unwrap();
    let outbox = Mailer::new(None, "Tenantry <no-reply@app.example>", control.clone()).unwrap();
    let smtp = Mailer::new(
        Some("smtp://127.0.0.1:2525"),
        "Tenantry <no-reply@app.example>",
        control,
    )
    .unwrap();
    let dev = LeptosOptions::builder()
        .output_name("t")
        .env(Env::DEV)
        .build();
    let prod = LeptosOptions::builder()
        .output_name("t")
        .env(Env::PROD)
        .build();
    assert!(dev_mailbox::enabled(&dev, &outbox));
    assert!(!dev_mailbox::enabled(&prod, &outbox));
    assert!(!dev_mailbox::enabled(&dev, &smtp));
}
