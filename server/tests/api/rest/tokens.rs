//! What a token may do (never more than its creator, now) and how often
//! (an allowance per token and member, and one per organization).

use super::error_of;
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::http::{CookieJar, Response};
use serde_json::json;

#[tokio::test]
async fn a_token_never_acts_above_its_creator_now_and_stops_when_they_leave() {
    use app::model::Role;
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    let token = app.api_token("acme", &mut admin, "admin").await;
    let create = |name: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.api(
                "acme",
                "POST",
                "/teams",
                Some(&token),
                Some(&json!({ "name": name })),
                None,
            )
            .await
        }
    };
    assert_eq!(create("While admin").await.status, 201);

    let admin_id = app
        .audit_entries("acme")
        .await
        .iter()
        .find(|e| e.action == "api_token.create")
        .and_then(|e| e.actor_id)
        .unwrap()
        .to_string();
    let host = app.tenant_host("acme");
    let demoted = app
        .call(
            &host,
            "change_member_roles",
            &[("user_ids", &admin_id), ("role", "viewer")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(demoted.status, 200, "{}", demoted.body);
    assert_eq!(error_of(&create("While viewer").await).1, "forbidden");
    let read = app
        .api("acme", "GET", "/teams", Some(&token), None, None)
        .await;
    assert_eq!(read.status, 200);

    let removed = app
        .call(
            &host,
            "remove_members",
            &[("user_ids", &admin_id)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let gone = app
        .api("acme", "GET", "/teams", Some(&token), None, None)
        .await;
    assert_eq!(error_of(&gone).1, "unauthorized");
}

#[tokio::test]
async fn each_token_and_member_has_its_own_request_allowance() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let busy = app.api_token("acme", &mut owner, "admin").await;
    let other = app.api_token("acme", &mut owner, "viewer").await;
    for i in 0..Limits::API_PER_CALLER.max {
        let answer = read(&app, "acme", Some(&busy), None).await;
        assert_eq!(answer.status, 200, "request {i}: {}", answer.body);
    }
    let refused = read(&app, "acme", Some(&busy), None).await;
    let (status, code, _) = error_of(&refused);
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After: {:?}", refused.headers));
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");

    // Only that token waits: not another token, nor the member's session,
    // nor another organization.
    assert_eq!(read(&app, "acme", Some(&other), None).await.status, 200);
    assert_eq!(read(&app, "acme", None, Some(&mut owner)).await.status, 200);
    let mut globex = app.signed_in_owner("globex").await;
    assert_eq!(
        read(&app, "globex", None, Some(&mut globex)).await.status,
        200
    );
    // Token ids start over in each organization's database: globex's first
    // token has busy's id, and its own allowance.
    let theirs = app.api_token("globex", &mut globex, "admin").await;
    assert_eq!(read(&app, "globex", Some(&theirs), None).await.status, 200);
}

#[tokio::test]
async fn an_organization_has_one_allowance_however_many_tokens_it_makes() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let per_caller = Limits::API_PER_CALLER.max;
    let tokens = Limits::API_PER_TENANT.max.div_ceil(per_caller);
    let mut answered = 0;
    for t in 0..tokens {
        let token = app.api_token("acme", &mut owner, "viewer").await;
        while answered < Limits::API_PER_TENANT.max && answered < (t + 1) * per_caller {
            let answer = read(&app, "acme", Some(&token), None).await;
            assert_eq!(answer.status, 200, "request {answered}: {}", answer.body);
            answered += 1;
        }
    }
    let fresh = app.api_token("acme", &mut owner, "viewer").await;
    let refused = read(&app, "acme", Some(&fresh), None).await;
    assert_eq!(error_of(&refused).0, 429, "{}", refused.body);
    assert!(refused.header("retry-after").is_some());

    let mut globex = app.signed_in_owner("globex").await;
    let theirs = app.api_token("globex", &mut globex, "viewer").await;
    assert_eq!(read(&app, "globex", Some(&theirs), None).await.status, 200);
}

/// `GET /api/v1/organization` on `slug`'s host.
async fn read(
    app: &TestApp,
    slug: &str,
    token: Option<&str>,
    jar: Option<&mut CookieJar>,
) -> Response {
    app.api(slug, "GET", "/organization", token, None, jar)
        .await
}

#[tokio::test]
async fn logging_out_everywhere_or_a_reset_ends_the_tokens_made_before() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let teams = |token: String| {
        let app = &app;
        async move {
            app.api("acme", "GET", "/teams", Some(&token), None, None)
                .await
        }
    };
    // Someone who held the owner's session for a moment made a token.
    let planted = app.api_token("acme", &mut owner, "admin").await;
    assert_eq!(teams(planted.clone()).await.status, 200);
    let out = app
        .call(&host, "log_out_everywhere", &[], Some(&mut owner))
        .await;
    assert_eq!(out.header("location"), Some("/login"), "{}", out.body);
    assert_eq!(error_of(&teams(planted.clone()).await).1, "unauthorized");

    // A token made after that works, until the password is reset.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mut owner = CookieJar::default();
    let logged_in = app
        .log_in(
            &host,
            "owner@acme.test",
            crate::helpers::PASSWORD,
            &mut owner,
        )
        .await;
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);
    let later = app.api_token("acme", &mut owner, "viewer").await;
    assert_eq!(teams(later.clone()).await.status, 200);
    let asked = app
        .call(
            &app.apex(),
            "request_password_reset",
            &[("email", "owner@acme.test")],
            None,
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let link = app
        .mail
        .last_about("owner@acme.test", "Reset your Tenantry password")
        .await
        .link("/reset-password")
        .unwrap();
    let token = link.split("token=").nth(1).unwrap();
    let reset = app
        .call(
            &app.apex(),
            "reset_password",
            &[("token", token), ("password", "a brand new passphrase")],
            None,
        )
        .await;
    assert_eq!(
        reset.header("location"),
        Some("/login?reset=done"),
        "{}",
        reset.body
    );
    assert_eq!(error_of(&teams(later).await).1, "unauthorized");
}

#[tokio::test]
async fn a_new_tokens_secret_is_never_whole_in_the_database() {
    use app::server::entities::control::sessions;
    use sea_orm::EntityTrait;
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let created = app
        .call(
            &host,
            "create_api_token",
            &[("name", "CI"), ("role", "viewer")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    // What the control database holds while the secret waits to be shown.
    let rows = sessions::Entity::find()
        .all(&app.state.control)
        .await
        .unwrap();
    let page = app.call(&host, "api_tokens", &[], Some(&mut owner)).await;
    let page: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    let secret = page["just_created"]["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("tnt_"), "{page}");
    let hex_secret: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    for row in &rows {
        assert!(!row.data.contains(&secret), "{}", row.data);
        assert!(!row.data.contains(&hex_secret), "{}", row.data);
    }
    // The secret works, and is shown once.
    assert_eq!(
        app.api("acme", "GET", "/teams", Some(&secret), None, None)
            .await
            .status,
        200
    );
    let again = app.call(&host, "api_tokens", &[], Some(&mut owner)).await;
    let again: serde_json::Value = serde_json::from_str(&again.body).unwrap();
    assert!(again["just_created"].is_null(), "{again}");
}
