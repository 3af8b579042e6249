//! What every signed-in request reads from the control database (its
//! session, its member, the account menu) is cached in process
//! (`identity::authority`). A change of authority counts from the next
//! request in the instance that made it, with the member cached, and within
//! a second in the others (PostgreSQL NOTIFY), well before the cache's own
//! expiry.

use crate::helpers::{eventually, spawn_app, Backend, TestApp};
use crate::http::CookieJar;
use app::model::Role;
use app::server::identity::authority::TTL;
use std::time::Duration;

/// Views `/teams` until the member is served from the cache (on PostgreSQL
/// the cache serves once it listens for the other instances' changes).
async fn cached(app: &TestApp, jar: &mut CookieJar) {
    let host = app.tenant_host("acme");
    eventually(
        "the authority cache to serve",
        Duration::from_secs(5),
        || {
            let (mut jar, host) = (jar.clone(), host.clone());
            async move {
                let (hits, _) = app.state.authority.hits_and_misses();
                let page = app.get(&host, "/teams", Some(&mut jar)).await;
                assert_eq!(page.status, 200, "{}", page.body);
                (app.state.authority.hits_and_misses().0 > hits).then_some(())
            }
        },
    )
    .await;
}

async fn change_role(app: &TestApp, owner: &mut CookieJar, email: &str, role: &str) {
    let id = app.user_id(email).await.to_string();
    let host = app.tenant_host("acme");
    let changed = app
        .call(
            &host,
            "change_member_roles",
            &[("user_ids", &id), ("role", role)],
            Some(owner),
        )
        .await;
    assert!(changed.status < 400, "{}: {}", changed.status, changed.body);
}

async fn add_team_status(app: &TestApp, jar: &mut CookieJar, name: &str) -> u16 {
    let host = app.tenant_host("acme");
    app.call(&host, "add_team", &[("name", name)], Some(jar))
        .await
        .status
}

async fn demotion_and_removal_count_from_the_next_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    assert_eq!(add_team_status(&app, &mut admin, "Payments").await, 200);
    cached(&app, &mut admin).await;

    change_role(&app, &mut owner, "admin@acme.test", "viewer").await;
    assert_eq!(
        add_team_status(&app, &mut admin, "Search").await,
        403,
        "a viewer now, at once"
    );

    let id = app.user_id("admin@acme.test").await.to_string();
    let host = app.tenant_host("acme");
    cached(&app, &mut admin).await;
    let removed = app
        .call(
            &host,
            "remove_members",
            &[("user_ids", &id)],
            Some(&mut owner),
        )
        .await;
    assert!(removed.status < 400, "{}", removed.body);
    let page = app.get(&host, "/teams", Some(&mut admin)).await;
    assert!(
        page.body.contains(r#"data-testid="sign-in-required""#),
        "removed, at once: {}",
        page.body
    );
}

#[tokio::test]
async fn demotion_and_removal_count_from_the_next_request_on_sqlite() {
    demotion_and_removal_count_from_the_next_request(Backend::Sqlite).await;
}

#[tokio::test]
async fn demotion_and_removal_count_from_the_next_request_on_postgres() {
    demotion_and_removal_count_from_the_next_request(Backend::Postgres).await;
}

#[tokio::test]
async fn another_instance_sees_a_demotion_and_a_log_out_everywhere_within_a_second() {
    let first = spawn_app(Backend::Postgres).await;
    let mut owner = first.signed_in_owner("acme").await;
    let mut admin = first.signed_in_as("acme", Role::Admin).await;
    let second = first.second_instance().await;
    let mut on_second = admin.clone();
    on_second.replay(&first.tenant_host("acme"), &second.tenant_host("acme"));
    cached(&second, &mut on_second).await;
    assert!(
        Duration::from_secs(1) < TTL,
        "the cache's expiry does not do it"
    );

    change_role(&first, &mut owner, "admin@acme.test", "viewer").await;
    let mut attempt = 0;
    eventually(
        "the second instance to refuse the demoted member",
        Duration::from_secs(1),
        || {
            attempt += 1;
            let mut jar = on_second.clone();
            let name = format!("Team {attempt}");
            let second = &second;
            async move { (add_team_status(second, &mut jar, &name).await == 403).then_some(()) }
        },
    )
    .await;

    cached(&second, &mut on_second).await;
    let host = first.tenant_host("acme");
    let ended = first
        .call(&host, "log_out_everywhere", &[], Some(&mut admin))
        .await;
    assert!(ended.status < 400, "{}", ended.body);
    let second_host = second.tenant_host("acme");
    eventually(
        "the second instance to end the session",
        Duration::from_secs(1),
        || {
            let mut jar = on_second.clone();
            let (second, host) = (&second, &second_host);
            async move {
                let page = second.get(host, "/teams", Some(&mut jar)).await;
                page.body
                    .contains(r#"data-testid="sign-in-required""#)
                    .then_some(())
            }
        },
    )
    .await;
}
