use crate::helpers::{spawn_app, Backend};
use crate::http::{send, Request};

#[tokio::test]
async fn the_apex_serves_the_signup_page() {
    let app = spawn_app(Backend::Sqlite).await;

    let page = app.get(&app.apex(), "/", None).await;

    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Create your organization"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"name="subdomain""#));
}

#[tokio::test]
async fn www_redirects_to_the_apex_keeping_the_path() {
    let app = spawn_app(Backend::Sqlite).await;

    let response = app
        .get(
            &format!("www.app.example:{}", app.port),
            "/pricing?x=1",
            None,
        )
        .await;

    assert_eq!(response.status, 308);
    assert_eq!(
        response.header("location"),
        Some(format!("http://app.example:{}/pricing?x=1", app.port).as_str())
    );
}

#[tokio::test]
async fn unknown_and_hostile_hosts_get_a_404_with_a_signup_link() {
    let app = spawn_app(Backend::Sqlite).await;
    let port = app.port;
    let hosts = [
        format!("nobody.app.example:{port}"),
        format!("admin.app.example:{port}"),
        format!("api.app.example:{port}"),
        format!("a.b.app.example:{port}"),
        format!("ACME.app.example:{port}"),
        format!("acme.app.example.:{port}"),
        format!("evil.com:{port}"),
        format!("127.0.0.1:{port}"),
        "acme.app.example:99999".to_owned(),
        "acme.app.example:abc".to_owned(),
        "<script>.app.example".to_owned(),
        String::new(),
    ];
    for host in hosts {
        let response = app.get(&host, "/", None).await;
        assert_eq!(response.status, 404, "{host:?}");
        assert!(
            response.body.contains("No organization here"),
            "{host:?}: {}",
            response.body
        );
        assert!(response.body.contains("Sign up for Tenantry"), "{host:?}");
        assert!(!response.body.contains("<script>"), "{host:?} echoed");
    }
}

#[tokio::test]
async fn the_signup_link_on_the_404_page_points_at_the_apex() {
    let app = spawn_app(Backend::Sqlite).await;

    let response = app
        .get(&format!("nobody.app.example:{}", app.port), "/", None)
        .await;

    assert!(response
        .body
        .contains(&format!(r#"href="http://app.example:{}/""#, app.port)));
}

#[tokio::test]
async fn a_huge_body_is_refused_before_it_is_read() {
    let app = spawn_app(Backend::Sqlite).await;

    let response = send(
        app.port,
        Request {
            method: "POST",
            host: &app.apex(),
            path: "/api/check_subdomain",
            headers: vec![("Content-Type", "application/x-www-form-urlencoded".into())],
            body: vec![b'a'; 2 * 1024 * 1024],
        },
        None,
    )
    .await;

    assert_eq!(response.status, 413);
}
