use crate::helpers::{spawn_app, Backend};
use crate::http::CookieJar;

#[tokio::test]
async fn a_handoff_token_works_once() {
    let app = spawn_app(Backend::Sqlite).await;
    let signed_up = app.sign_up("acme").await;

    let first = app
        .follow_handoff(&signed_up, &mut CookieJar::default())
        .await;
    let mut second_jar = CookieJar::default();
    let second = app.follow_handoff(&signed_up, &mut second_jar).await;

    assert_eq!(first.status, 303);
    assert_eq!(second.status, 400);
    assert!(
        second.body.contains("This sign-in link has expired"),
        "{}",
        second.body
    );
    let home = app
        .get(&app.tenant_host("acme"), "/", Some(&mut second_jar))
        .await;
    assert!(!home.body.contains("owner@acme.test"));
}

#[tokio::test]
async fn a_handoff_token_for_one_tenant_does_not_sign_in_on_another() {
    let app = spawn_app(Backend::Sqlite).await;
    let acme = app.sign_up("acme").await;
    app.sign_up("globex").await;

    let token_path = acme
        .handoff_url
        .split_once(&app.tenant_host("acme"))
        .unwrap()
        .1
        .to_owned();
    let mut jar = CookieJar::default();
    let response = app
        .get(&app.tenant_host("globex"), &token_path, Some(&mut jar))
        .await;

    assert_eq!(response.status, 400);
    let home = app
        .get(&app.tenant_host("globex"), "/", Some(&mut jar))
        .await;
    assert!(home.body.contains("sign-in-required"), "{}", home.body);
    assert!(!home.body.contains("owner@"), "{}", home.body);
}

#[tokio::test]
async fn signing_in_replaces_a_session_id_planted_before() {
    let app = spawn_app(Backend::Sqlite).await;
    let signed_up = app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    let mut jar = CookieJar::default();
    // A first visit gets no session (nothing stored); plant one by hand.
    let planted = "tenantry_session=AAAAAAAAAAAAAAAAAAAAAA";
    let path = signed_up
        .handoff_url
        .split_once(&host)
        .unwrap()
        .1
        .to_owned();
    let response = crate::http::send(
        app.port,
        crate::http::Request {
            method: "GET",
            host: &host,
            path: &path,
            headers: vec![("Cookie", planted.into())],
            body: vec![],
        },
        Some(&mut jar),
    )
    .await;

    assert_eq!(response.status, 303);
    let cookie = response.header("set-cookie").expect("new session cookie");
    assert!(!cookie.contains("AAAAAAAAAAAAAAAAAAAAAA"), "{cookie}");
}

/// Opens `handoff_url` the way a browser does when `Sec-Fetch-Site` is
/// `site` (`none`: pasted into the address bar, or opened from a mail).
async fn open_link(
    app: &crate::helpers::TestApp,
    handoff_url: &str,
    site: &str,
    jar: &mut CookieJar,
) -> crate::http::Response {
    let (host, path) = handoff_url
        .trim_start_matches("http://")
        .split_once('/')
        .map(|(host, path)| {
            (
                host.split(':').next().unwrap().to_owned(),
                format!("/{path}"),
            )
        })
        .unwrap();
    crate::http::send(
        app.port,
        crate::http::Request {
            method: "GET",
            host: &host,
            path: &path,
            headers: vec![("Sec-Fetch-Site", site.into())],
            body: vec![],
        },
        Some(jar),
    )
    .await
}

#[tokio::test]
async fn a_link_from_elsewhere_asks_whose_account_before_signing_in() {
    let app = spawn_app(Backend::Sqlite).await;
    // The attacker signs up and keeps the handoff link of their own account
    // instead of following it, then sends it to a victim.
    let evil = app.sign_up("evil").await;
    let host = app.tenant_host("evil");
    for site in ["cross-site", "none"] {
        let mut victim = CookieJar::default();
        let asked = open_link(&app, &evil.handoff_url, site, &mut victim).await;
        assert_eq!(asked.status, 200, "{site}: {}", asked.body);
        assert!(
            asked.body.contains(r#"data-testid="handoff-confirm""#),
            "{}",
            asked.body
        );
        assert!(asked.body.contains("Org evil"), "{}", asked.body);
        assert!(asked.body.contains("owner@evil.test"), "{}", asked.body);
        // Nothing signed in by looking.
        let home = app.get(&host, "/", Some(&mut victim)).await;
        assert!(
            home.body.contains("sign-in-required"),
            "{site}: {}",
            home.body
        );
    }

    // The person who asked confirms with the page's form: signed in.
    let token = evil.handoff_url.split("token=").nth(1).unwrap();
    let mut owner = CookieJar::default();
    let confirmed = app
        .submit_form(
            &host,
            "/auth/handoff",
            &[("token", token)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let home = app.get(&host, "/", Some(&mut owner)).await;
    assert!(home.body.contains("owner@evil.test"), "{}", home.body);
    // Used once: the link now only says it has expired.
    let again = open_link(&app, &evil.handoff_url, "none", &mut CookieJar::default()).await;
    assert_eq!(again.status, 400, "{}", again.body);
}

#[tokio::test]
async fn a_link_followed_from_the_deployment_signs_in_at_once() {
    let app = spawn_app(Backend::Sqlite).await;
    let acme = app.sign_up("acme").await;
    let mut jar = CookieJar::default();
    let followed = open_link(&app, &acme.handoff_url, "same-site", &mut jar).await;
    assert_eq!(followed.status, 303, "{}", followed.body);
    let home = app.get(&app.tenant_host("acme"), "/", Some(&mut jar)).await;
    assert!(home.body.contains("owner@acme.test"), "{}", home.body);
}
