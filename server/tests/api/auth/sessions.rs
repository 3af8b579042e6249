//! Sessions: a new id at log-in (no fixation), log out everywhere, idle
//! and absolute expiry, and surviving a restart.

use super::{home_status, COOKIE};
use crate::helpers::{spawn_app, Backend, TestApp, PASSWORD};
use crate::http::CookieJar;
use app::server::entities::control::sessions;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

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
    forget_cached(app);
}

/// The edits here stand for time passing, past the few seconds the server
/// caches a session for: what it cached is forgotten.
fn forget_cached(app: &TestApp) {
    app.state.authority.clear();
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
    forget_cached(&app);
    assert_eq!(home_status(&app, "acme", &mut jar).await, 200);
    let extended = session_row(&app).await;
    assert!(extended.expires_at >= now() + idle - 5, "{extended:?}");

    // Seen just now: reads write nothing.
    sessions::Entity::update_many()
        .col_expr(sessions::Column::ExpiresAt, (now() + 100).into())
        .exec(&app.state.control)
        .await
        .unwrap();
    forget_cached(&app);
    assert_eq!(home_status(&app, "acme", &mut jar).await, 200);
    assert!(session_row(&app).await.expires_at <= now() + 100);

    // Idle past its expiry: gone.
    sessions::Entity::update_many()
        .col_expr(sessions::Column::ExpiresAt, (now() - 1).into())
        .exec(&app.state.control)
        .await
        .unwrap();
    forget_cached(&app);
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
