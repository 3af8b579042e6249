//! Logging in and out on the apex and on tenant hosts, sessions (fixation,
//! idle and absolute expiry, restarts, log out everywhere), rate limits and
//! cross-origin refusal.

use crate::helpers::{app_error, spawn_app, Backend, TestApp, PASSWORD};
use crate::http::CookieJar;
use app::model::AppError;
use app::server::entities::control::sessions;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const COOKIE: &str = "tenantry_session";

async fn home_status(app: &TestApp, slug: &str, jar: &mut CookieJar) -> u16 {
    app.call(&app.tenant_host(slug), "tenant_home", &[], Some(jar))
        .await
        .status
}

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

#[tokio::test]
async fn log_in_gives_a_new_session_id_and_the_old_one_stops_working() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");

    // An id planted before log-in (session fixation) is not adopted.
    let mut jar = CookieJar::default();
    jar.set(&host, COOKIE, "AAAAAAAAAAAAAAAAAAAAAA");
    app.log_in(&host, "owner@acme.test", PASSWORD, &mut jar)
        .await;
    let first = jar.get(&host, COOKIE).expect("signed in");
    assert_ne!(first, "AAAAAAAAAAAAAAAAAAAAAA");

    // Logging in again, over a live session, replaces it.
    let mut old = jar.clone();
    app.log_in(&host, "owner@acme.test", PASSWORD, &mut jar)
        .await;
    let second = jar.get(&host, COOKIE).expect("still signed in");
    assert_ne!(first, second);
    assert_eq!(home_status(&app, "acme", &mut jar).await, 200);
    assert_eq!(home_status(&app, "acme", &mut old).await, 401);
}

async fn log_out_everywhere_ends_every_session_of_the_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut first = app.signed_in_owner("acme").await;
    let mut second = CookieJar::default();
    app.log_in(
        &app.tenant_host("acme"),
        "owner@acme.test",
        PASSWORD,
        &mut second,
    )
    .await;
    let mut apex = CookieJar::default();
    let apex_login = app
        .log_in(&app.apex(), "owner@acme.test", PASSWORD, &mut apex)
        .await;
    assert_eq!(apex_login.header("location"), Some("/organizations"));
    let mut someone_else = app.signed_in_owner("globex").await;

    let response = app
        .call(
            &app.tenant_host("acme"),
            "log_out_everywhere",
            &[],
            Some(&mut second),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);

    assert_eq!(home_status(&app, "acme", &mut first).await, 401);
    assert_eq!(home_status(&app, "acme", &mut second).await, 401);
    let account = app.call(&app.apex(), "account", &[], Some(&mut apex)).await;
    assert_eq!(account.status, 401);
    assert_eq!(home_status(&app, "globex", &mut someone_else).await, 200);
}

#[tokio::test]
async fn log_out_everywhere_ends_every_session_of_the_user_on_sqlite() {
    log_out_everywhere_ends_every_session_of_the_user(Backend::Sqlite).await;
}

#[tokio::test]
async fn log_out_everywhere_ends_every_session_of_the_user_on_postgres() {
    log_out_everywhere_ends_every_session_of_the_user(Backend::Postgres).await;
}

/// The stored session row behind the jar's cookie for `host`.
async fn session_row(app: &TestApp) -> sessions::Model {
    let mut rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.is_not_null())
        .all(&app.state.control)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one signed-in session");
    rows.remove(0)
}

async fn rewrite_session(
    app: &TestApp,
    row: &sessions::Model,
    edit: impl Fn(&mut serde_json::Value),
) {
    let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
    edit(&mut data);
    let mut active: sessions::ActiveModel = row.clone().into();
    active.data = sea_orm::ActiveValue::Set(data.to_string());
    sessions::Entity::update(active)
        .exec(&app.state.control)
        .await
        .unwrap();
}

fn now() -> i64 {
    app::server::time::now_unix()
}

#[tokio::test]
async fn activity_moves_the_idle_expiry_forward_at_most_once_a_minute() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let row = session_row(&app).await;
    let idle = app::server::identity::sign_in::IDLE.whole_seconds();
    assert!(row.expires_at >= now() + idle - 5, "{row:?}");

    // Seen two minutes ago, with ten seconds left: a request extends it.
    rewrite_session(&app, &row, |data| data["seen_at"] = (now() - 120).into()).await;
    sessions::Entity::update_many()
        .col_expr(sessions::Column::ExpiresAt, (now() + 10).into())
        .exec(&app.state.control)
        .await
        .unwrap();
    assert_eq!(home_status(&app, "acme", &mut jar).await, 200);
    let extended = session_row(&app).await;
    assert!(extended.expires_at >= now() + idle - 5, "{extended:?}");

    // Seen just now: reads write nothing.
    sessions::Entity::update_many()
        .col_expr(sessions::Column::ExpiresAt, (now() + 100).into())
        .exec(&app.state.control)
        .await
        .unwrap();
    assert_eq!(home_status(&app, "acme", &mut jar).await, 200);
    assert!(session_row(&app).await.expires_at <= now() + 100);

    // Idle past its expiry: gone.
    sessions::Entity::update_many()
        .col_expr(sessions::Column::ExpiresAt, (now() - 1).into())
        .exec(&app.state.control)
        .await
        .unwrap();
    assert_eq!(home_status(&app, "acme", &mut jar).await, 401);
}

#[tokio::test]
async fn a_session_ends_a_week_after_log_in_however_active() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let row = session_row(&app).await;
    let absolute = app::server::identity::sign_in::ABSOLUTE_SECS;
    rewrite_session(&app, &row, |data| {
        data["signed_in_at"] = (now() - absolute - 1).into();
        data["seen_at"] = now().into();
    })
    .await;
    assert_eq!(home_status(&app, "acme", &mut jar).await, 401);
    let left = sessions::Entity::find_by_id(row.id)
        .one(&app.state.control)
        .await
        .unwrap();
    assert!(left.is_none(), "the expired session is deleted");
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let app = spawn_app(Backend::Postgres).await;
    let mut jar = app.signed_in_owner("acme").await;
    let restarted = app.second_instance().await;
    let mut on_restarted = jar.clone();
    on_restarted.replay(&app.tenant_host("acme"), &restarted.tenant_host("acme"));
    assert_eq!(
        home_status(&restarted, "acme", &mut on_restarted).await,
        200
    );
    assert_eq!(home_status(&app, "acme", &mut jar).await, 200);
}

#[tokio::test]
async fn log_in_is_rate_limited_per_account() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    let mut jar = CookieJar::default();
    for _ in 0..Limits::LOGIN_PER_ACCOUNT.max {
        let r = app
            .log_in(&host, "owner@acme.test", "guess", &mut jar)
            .await;
        assert_eq!(r.status, 422);
    }
    // Now even the right password waits.
    let limited = app
        .log_in(&host, "owner@acme.test", PASSWORD, &mut jar)
        .await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    let AppError::RateLimited { retry_after_secs } = app_error(&limited) else {
        panic!("{}", limited.body);
    };
    let window = Limits::LOGIN_PER_ACCOUNT.window.as_secs();
    assert!(
        (window - 5..=window).contains(&retry_after_secs),
        "{retry_after_secs}"
    );
    assert_eq!(
        limited.header("retry-after"),
        Some(retry_after_secs.to_string().as_str())
    );
    assert_eq!(
        app_error(&limited).to_string(),
        format!("Too many attempts. Try again in {retry_after_secs} s.")
    );
    // Another account from the same address is not locked out.
    app.sign_up("globex").await;
    let other = app
        .log_in(
            &app.tenant_host("globex"),
            "owner@globex.test",
            PASSWORD,
            &mut jar,
        )
        .await;
    assert_eq!(other.status, 200, "{}", other.body);
}

#[tokio::test]
async fn log_in_is_rate_limited_per_address() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let mut jar = CookieJar::default();
    // Guessing across many accounts from one address.
    for i in 0..Limits::LOGIN_PER_IP.max {
        let email = format!("guess{i}@acme.test");
        let r = app.log_in(&app.apex(), &email, "guess", &mut jar).await;
        assert_eq!(r.status, 422, "attempt {i}: {}", r.body);
    }
    let limited = app
        .log_in(&app.apex(), "owner@acme.test", PASSWORD, &mut jar)
        .await;
    assert_eq!(limited.status, 429, "{}", limited.body);
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let evil = format!("http://evil.example:{}", app.port);
    let sibling = format!("http://globex.{}", app.apex());
    let forged: [&[(&'static str, &str)]; 4] = [
        &[("Origin", &evil)],
        &[("Origin", &sibling)],
        &[("Origin", "null")],
        &[("Sec-Fetch-Site", "cross-site"), ("Origin", &evil)],
    ];
    for headers in forged {
        let response = app
            .call_with_headers(
                &host,
                "add_team",
                &[("name", "Forged")],
                headers,
                Some(&mut jar),
            )
            .await;
        assert_eq!(response.status, 403, "{headers:?}: {}", response.body);
    }
    let referer = format!("http://evil.example/{host}");
    let response = app
        .call_with_headers(
            &host,
            "log_out",
            &[],
            &[("Referer", &referer)],
            Some(&mut jar),
        )
        .await;
    assert_eq!(response.status, 403);

    let own = format!("http://{host}");
    let same: [&[(&'static str, &str)]; 2] = [
        &[("Origin", &own)],
        &[("Sec-Fetch-Site", "same-origin"), ("Origin", &own)],
    ];
    for (i, headers) in same.into_iter().enumerate() {
        let name = format!("Real {i}");
        let response = app
            .call_with_headers(
                &host,
                "add_team",
                &[("name", &name)],
                headers,
                Some(&mut jar),
            )
            .await;
        assert_eq!(response.status, 200, "{headers:?}: {}", response.body);
    }
    let home = app.call(&host, "tenant_home", &[], Some(&mut jar)).await;
    assert!(!home.body.contains("Forged"));
    assert!(home.body.contains(r#""team_count":2"#), "{}", home.body);
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
    let home = app.call(&bravo, "tenant_home", &[], Some(&mut jar)).await;
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

#[tokio::test]
async fn the_sign_up_form_is_no_way_around_the_log_in_limit() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    // Sign-up with an existing email checks that account's password.
    for i in 0..Limits::LOGIN_PER_ACCOUNT.max {
        let slug = format!("guess-{i}");
        let r = app
            .try_sign_up("Guess", &slug, "owner@acme.test", "wrong password")
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
    }
    let limited = app
        .try_sign_up("Guess", "guess-last", "owner@acme.test", PASSWORD)
        .await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(app.tenant("guess-last").await.is_none());
    // And the log-in form shares the count.
    let mut jar = CookieJar::default();
    let login = app
        .log_in(
            &app.tenant_host("acme"),
            "owner@acme.test",
            PASSWORD,
            &mut jar,
        )
        .await;
    assert_eq!(login.status, 429, "{}", login.body);
}

#[tokio::test]
async fn served_over_https_the_session_cookie_is_secure() {
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
        .find(|c| c.starts_with(COOKIE))
        .expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
}
