//! What stands in a guesser's or a forger's way: log-in limits per
//! account and per address (the sign-up form included), and cross-origin
//! posts refused.

use crate::helpers::{app_error, spawn_app, spawn_app_with, Backend, TestApp, PASSWORD};
use crate::http::CookieJar;
use crate::http::Response;
use app::model::AppError;

#[tokio::test]
async fn log_in_is_rate_limited_per_account() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    let mut jar = CookieJar::default();
    for _ in 0..Limits::LOGIN_PER_ACCOUNT_AND_ADDRESS.max {
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
    let window = Limits::LOGIN_PER_ACCOUNT_AND_ADDRESS.window.as_secs();
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
            Limits::LOGIN_PER_ACCOUNT_AND_ADDRESS.max,
            40 - Limits::LOGIN_PER_ACCOUNT_AND_ADDRESS.max
        ),
        "{statuses:?}"
    );
}

/// Logs in on `host` as `email` from client address `ip` (behind the
/// proxy, which names it in `X-Forwarded-For`).
async fn log_in_from(app: &TestApp, ip: &str, host: &str, email: &str, password: &str) -> Response {
    app.call_with_headers(
        host,
        "log_in",
        &[("email", email), ("password", password)],
        &[("X-Forwarded-For", ip)],
        Some(&mut CookieJar::default()),
    )
    .await
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out_of_their_own_address() {
    use app::server::rate_limit::Limits;
    let app = spawn_app_with(Backend::Sqlite, &["--behind-proxy"]).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    let owner = "owner@acme.test";
    let home = "198.51.100.7";
    // The owner logged in from home before.
    let before = log_in_from(&app, home, &host, owner, PASSWORD).await;
    assert_eq!(before.status, 200, "{}", before.body);

    // A stranger who knows the address guesses until refused, from one
    // address and then from enough others to use up the account-wide
    // allowance too.
    let per_address = Limits::LOGIN_PER_ACCOUNT_AND_ADDRESS.max;
    let addresses = Limits::LOGIN_PER_ACCOUNT.max.div_ceil(per_address) + 1;
    let mut refused = 0;
    for n in 0..addresses {
        for i in 0..=per_address {
            let guess = format!("guess {n}.{i}");
            let r = log_in_from(&app, &format!("203.0.113.{n}"), &host, owner, &guess).await;
            assert!(matches!(r.status, 422 | 429), "{}", r.body);
            refused += usize::from(r.status == 429);
        }
    }
    assert!(refused > addresses, "the stranger was held back: {refused}");
    // The stranger's own addresses stay locked even with the right password.
    let stranger = log_in_from(&app, "203.0.113.0", &host, owner, PASSWORD).await;
    assert_eq!(stranger.status, 429, "{}", stranger.body);

    // The owner, from home, is let in.
    let again = log_in_from(&app, home, &host, owner, PASSWORD).await;
    assert_eq!(again.status, 200, "{}", again.body);
}

#[tokio::test]
async fn a_made_up_form_error_in_a_link_is_not_shown() {
    use base64::{engine::general_purpose::URL_SAFE, Engine};
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    // A link to the real log-in page with a message of the sender's, in
    // server_fn's own encoding (base64url of the error's JSON).
    let planted = AppError::field("form", "Your account is locked. Call +1-555-0100.");
    let encoded = URL_SAFE.encode(serde_json::to_string(&planted).unwrap());
    let link = format!("/login?__path=/api/log_in&__err={encoded}&next=%2Fteams");
    let mut victim = CookieJar::default();
    let opened = app.get(&host, &link, Some(&mut victim)).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    assert_eq!(opened.header("location"), Some("/login?next=%2Fteams"));
    let page = app
        .get(&host, "/login?next=%2Fteams", Some(&mut victim))
        .await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("+1-555-0100"), "{}", page.body);

    // A real error sent back to a browser without JavaScript still shows.
    let mut owner = CookieJar::default();
    let refused = app
        .post_form_from(
            &host,
            "/login",
            "log_in",
            &[("email", "owner@acme.test"), ("password", "not it")],
            Some(&mut owner),
        )
        .await;
    let location = refused.header("location").unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let path = location.split_once(&host).unwrap().1.to_owned();
    let shown = app.get(&host, &path, Some(&mut owner)).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(
        shown.body.contains("owner@acme.test"),
        "the email typed comes back"
    );
    // The same address in another browser is just the page.
    let elsewhere = app.get(&host, &path, Some(&mut CookieJar::default())).await;
    assert_eq!(elsewhere.status, 303);
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
    for i in 0..Limits::LOGIN_PER_ACCOUNT_AND_ADDRESS.max {
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
