//! What stands in a guesser's or a forger's way: log-in limits per
//! account and per address (the sign-up form included), and cross-origin
//! posts refused.

use crate::helpers::{app_error, spawn_app, Backend, PASSWORD};
use crate::http::CookieJar;
use app::model::AppError;

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
async fn parallel_guesses_are_counted_before_the_password_is_checked() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    // Forty guesses sent at once, as a brute-forcer would: each reserves
    // its place before argon2 runs, so only the allowance is checked.
    let guesses: Vec<_> = (0..40)
        .map(|i| {
            let client = *app;
            let host = host.clone();
            tokio::spawn(async move {
                let mut jar = CookieJar::default();
                let guess = format!("wrong guess {i}");
                client
                    .log_in(&host, "owner@acme.test", &guess, &mut jar)
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let checked = statuses.iter().filter(|&&s| s == 422).count();
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(
        (checked, refused),
        (
            Limits::LOGIN_PER_ACCOUNT.max,
            40 - Limits::LOGIN_PER_ACCOUNT.max
        ),
        "{statuses:?}"
    );
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
