//! How often reset and "find" may be asked for, per address and per
//! recipient; a stranger's asking stops neither the owner nor an
//! invitation; reset links are guessed no faster than passwords, and a
//! flood of them leaves room for real log-ins.

use super::{ask_reset, reset_token, set_password, NEW_PASSWORD};
use crate::helpers::{eventually, spawn_app, spawn_app_with, Backend, TestApp, PASSWORD};
use crate::http::CookieJar;
use std::time::Duration;

/// The reset mails `email` has received so far.
fn resets_sent_to(app: &TestApp, email: &str) -> usize {
    let sent = app.mail.sent_to(email);
    sent.iter()
        .filter(|m| m.subject == "Reset your Tenantry password")
        .count()
}

#[tokio::test]
async fn reset_and_find_requests_are_rate_limited_per_recipient_and_per_address() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let owner = "owner@acme.test";
    // Three reset mails an hour per recipient. Asking more often gets the
    // same answer (anyone may ask for any address) and no more mail.
    let max = Limits::MAIL_PER_RECIPIENT.max;
    for _ in 0..=max {
        let asked = ask_reset(&app, owner).await;
        assert_eq!(asked.status, 200, "{}", asked.body);
        assert_eq!(asked.header("location"), Some("/forgot-password?sent=1"));
    }
    eventually("three reset mails", Duration::from_secs(10), || async {
        (resets_sent_to(&app, owner) == max).then_some(())
    })
    .await;
    // The organization list is another kind, with its own allowance.
    let find = app
        .call(&app.apex(), "find_organizations", &[("email", owner)], None)
        .await;
    assert_eq!(find.status, 200, "{}", find.body);
    app.mail
        .last_about(owner, "Your Tenantry organizations")
        .await;
    assert_eq!(resets_sent_to(&app, owner), max, "no fourth reset mail");

    // Ten an hour per address, whatever was sent: five asked above.
    for n in 0..5 {
        let response = ask_reset(&app, &format!("other{n}@acme.test")).await;
        assert_eq!(response.status, 200, "{n}: {}", response.body);
    }
    let limited = ask_reset(&app, "eleventh@acme.test").await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.header("retry-after").is_some());
}

#[tokio::test]
async fn a_strangers_requests_stop_neither_the_owners_reset_nor_an_invitation() {
    use app::server::rate_limit::Limits;
    let app = spawn_app_with(Backend::Sqlite, &["--behind-proxy"]).await;
    app.sign_up("acme").await;
    app.mark_verified("owner@acme.test").await;
    let from = |ip: &'static str| [("X-Forwarded-For", ip)];
    // A stranger asks for resets of an owner's address and of an address
    // that has no account yet, until no more are sent.
    for email in ["owner@acme.test", "newhire@acme.test"] {
        for _ in 0..=Limits::MAIL_PER_RECIPIENT.max {
            let asked = app
                .call_with_headers(
                    &app.apex(),
                    "request_password_reset",
                    &[("email", email)],
                    &from("203.0.113.9"),
                    None,
                )
                .await;
            assert_eq!(asked.status, 200, "{}", asked.body);
        }
    }
    // The owner asks from their own address: the same answer, and the
    // links the stranger had sent them work.
    let asked = app
        .call_with_headers(
            &app.apex(),
            "request_password_reset",
            &[("email", "owner@acme.test")],
            &from("198.51.100.7"),
            None,
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let max = Limits::MAIL_PER_RECIPIENT.max;
    eventually(
        "the stranger's reset mails",
        Duration::from_secs(10),
        || async { (resets_sent_to(&app, "owner@acme.test") == max).then_some(()) },
    )
    .await;
    // (Behind the proxy links carry no port: the token is what matters.)
    let link = app
        .mail
        .last_about("owner@acme.test", "Reset your Tenantry password")
        .await
        .link("/reset-password")
        .unwrap();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    assert_eq!(
        resets_sent_to(&app, "owner@acme.test"),
        Limits::MAIL_PER_RECIPIENT.max
    );
    let reset = set_password(&app, &token, NEW_PASSWORD).await;
    assert_eq!(
        reset.header("location"),
        Some("/login?reset=done"),
        "{}",
        reset.body
    );

    // An admin's invitation to the other address goes out.
    let mut admin = CookieJar::default();
    let host = app.tenant_host("acme");
    let logged_in = app
        .log_in(&host, "owner@acme.test", NEW_PASSWORD, &mut admin)
        .await;
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);
    let invited = app
        .call(
            &host,
            "invite_member",
            &[("email", "newhire@acme.test"), ("role", "member")],
            Some(&mut admin),
        )
        .await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    app.mail
        .last_about(
            "newhire@acme.test",
            "owner@acme.test invited you to Org acme on Tenantry",
        )
        .await;
}

#[tokio::test]
async fn reset_links_are_tried_no_faster_than_passwords() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    for n in 0..Limits::RESET_PER_IP.max {
        let guess = set_password(&app, &format!("guess{n}"), NEW_PASSWORD).await;
        assert_eq!(guess.status, 422, "{n}: {}", guess.body);
    }
    let limited = set_password(&app, "one more guess", NEW_PASSWORD).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.header("retry-after").is_some());
}

#[tokio::test]
async fn a_link_that_cannot_work_costs_no_password_hash() {
    use app::server::{cpu::CpuPool, identity::recovery, rate_limit::Limits};
    let app = spawn_app(Backend::Sqlite).await;
    let settings = app.state.settings.limits.clone();
    app.sign_up("acme").await;
    // No slot at all: any password hash would be refused as busy.
    let no_cpu = Limits::with(&settings, CpuPool::new(0, Duration::from_millis(10)));
    let bogus = recovery::reset(
        &app.state.control,
        &app.state.authority,
        &no_cpu,
        "not-a-token",
        NEW_PASSWORD,
    )
    .await;
    assert!(
        matches!(&bogus, Err(e) if e.field_error("form").is_some()),
        "a bogus link is refused before any hashing: {bogus:?}"
    );
    // A good link does need the hash, and is told the server is busy.
    ask_reset(&app, "owner@acme.test").await;
    let token = reset_token(&app, "owner@acme.test").await;
    let good = recovery::reset(
        &app.state.control,
        &app.state.authority,
        &no_cpu,
        &token,
        NEW_PASSWORD,
    )
    .await;
    assert!(
        matches!(good, Err(app::model::AppError::Busy { .. })),
        "{good:?}"
    );
    // Nothing was used up: the link still works.
    let done = set_password(&app, &token, NEW_PASSWORD).await;
    assert!(done.status == 200 || done.status == 303, "{}", done.body);
}

#[tokio::test]
async fn a_flood_of_reset_calls_leaves_room_for_a_real_log_in() {
    let app = spawn_app_with(Backend::Postgres, &["--behind-proxy"]).await;
    app.sign_up("acme").await;
    // 200 unauthenticated calls at once from 200 addresses: half ask for a
    // reset of some address, half try a made-up link.
    let flood: Vec<_> = (0..200)
        .map(|i| {
            let client = *app;
            let apex = app.apex();
            tokio::spawn(async move {
                let ip = format!("10.0.{}.{}", i / 200, i % 200 + 1);
                let email = format!("someone{i}@example.org");
                let (endpoint, fields) = if i % 2 == 0 {
                    ("request_password_reset", vec![("email", email.as_str())])
                } else {
                    (
                        "reset_password",
                        vec![("token", "made-up"), ("password", "a long enough one")],
                    )
                };
                client
                    .call_with_headers(&apex, endpoint, &fields, &[("X-Forwarded-For", &ip)], None)
                    .await
                    .status
            })
        })
        .collect();
    // Meanwhile the owner logs in.
    let started = std::time::Instant::now();
    let mut jar = CookieJar::default();
    let login = app
        .log_in(
            &app.tenant_host("acme"),
            "owner@acme.test",
            PASSWORD,
            &mut jar,
        )
        .await;
    let took = started.elapsed();
    assert_eq!(login.status, 200, "{}", login.body);
    let mut statuses = Vec::new();
    for call in flood {
        statuses.push(call.await.unwrap());
    }
    // Every call got its answer: sent, or the link refused. None failed.
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 422)),
        "{statuses:?}"
    );
    println!("log-in during 200 reset calls: {} ms", took.as_millis());
}
