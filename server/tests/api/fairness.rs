//! One organization hammered at full speed cannot starve another: its
//! requests are served a few at a time (`TENANTRY_TENANT_CONCURRENCY`), so
//! the CPU pool, the workers and the connections keep room for the others.

use crate::helpers::{spawn_app_with, Backend, TestApp, PASSWORD};
use crate::http::CookieJar;
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};
use std::time::{Duration, Instant};

/// Makes `count` members of `slug` who log in with [`PASSWORD`] (the
/// owner's hash, copied: no argon2 for each).
async fn members(app: &TestApp, slug: &str, count: usize) -> Vec<String> {
    use app::server::entities::control::{memberships, users};
    use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let control = &app.state.control;
    let owner = users::Entity::find()
        .filter(users::Column::Email.eq(format!("owner@{slug}.test")))
        .one(control)
        .await
        .unwrap()
        .unwrap();
    let tenant = app.tenant(slug).await.unwrap();
    let mut emails = Vec::new();
    for i in 0..count {
        let email = format!("member{i}@{slug}.test");
        let user = users::Entity::insert(users::ActiveModel {
            email: Set(email.clone()),
            password_hash: Set(owner.password_hash.clone()),
            created_at: Set(0),
            email_verified_at: Set(Some(0)),
            ..Default::default()
        })
        .exec(control)
        .await
        .unwrap();
        memberships::Entity::insert(memberships::ActiveModel {
            user_id: Set(user.last_insert_id),
            tenant_id: Set(tenant.id),
            role: Set(app::model::Role::Member),
            created_at: Set(0),
            ..Default::default()
        })
        .exec(control)
        .await
        .unwrap();
        emails.push(email);
    }
    emails
}

#[tokio::test]
async fn a_hammered_organization_leaves_the_others_served() {
    // TENANTRY_TEST_TENANT_CONCURRENCY=10000 runs the same without the
    // per-organization bound, to compare.
    let concurrency =
        std::env::var("TENANTRY_TEST_TENANT_CONCURRENCY").unwrap_or_else(|_| "16".to_owned());
    let app = spawn_app_with(
        Backend::Postgres,
        &["--behind-proxy", "--tenant-concurrency", &concurrency],
    )
    .await;
    app.sign_up("hammered").await;
    app.sign_up("quiet").await;
    let hammered = app.tenant_host("hammered");
    let quiet = app.tenant_host("quiet");

    // 150 members of one organization, each from an address of their own,
    // log in over and over, as fast as they are answered: every one a
    // password check (argon2 on the CPU pool, which both organizations
    // share), none held back by a rate limit.
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = members(&app, "hammered", 150)
        .await
        .into_iter()
        .enumerate()
        .map(|(i, email)| {
            let (client, host, stop) = (*app, hammered.clone(), stop.clone());
            tokio::spawn(async move {
                let ip = format!("10.1.{}.{}", i / 200, i % 200 + 1);
                let (mut served, mut busy) = (0u32, 0u32);
                while !stop.load(Ordering::Relaxed) {
                    let status = client
                        .call_with_headers(
                            &host,
                            "log_in",
                            &[("email", &email), ("password", PASSWORD)],
                            &[("X-Forwarded-For", &ip)],
                            Some(&mut CookieJar::default()),
                        )
                        .await
                        .status;
                    match status {
                        200 => served += 1,
                        503 => busy += 1,
                        other => panic!("the hammered organization got {other}"),
                    }
                }
                (served, busy)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Meanwhile the other organization's owner logs in and loads pages.
    let mut slowest = Duration::ZERO;
    let mut total = Duration::ZERO;
    let rounds = 10;
    for _ in 0..rounds {
        let started = Instant::now();
        let mut jar = CookieJar::default();
        let login = app
            .log_in(&quiet, "owner@quiet.test", PASSWORD, &mut jar)
            .await;
        assert_eq!(login.status, 200, "{}", login.body);
        let home = app.get(&quiet, "/", Some(&mut jar)).await;
        assert_eq!(home.status, 200, "{}", home.body);
        let took = started.elapsed();
        slowest = slowest.max(took);
        total += took;
    }
    stop.store(true, Ordering::Relaxed);
    let (mut served, mut busy) = (0, 0);
    for client in clients {
        let (s, b) = client.await.unwrap();
        served += s;
        busy += b;
    }
    assert!(served > 0, "the hammered organization is served too");
    println!(
        "fairness (tenant concurrency {concurrency}): the quiet organization's log-in + home \
         page took {} ms on average, {} ms at worst; the hammered one served {served} \
         log-ins and answered {busy} with 503",
        (total / rounds).as_millis(),
        slowest.as_millis()
    );
}
