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
