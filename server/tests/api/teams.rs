use crate::helpers::{app_error, spawn_app, team_count, Backend};

#[tokio::test]
async fn adding_a_team_changes_the_count_read_from_the_tenant_database() {
    let app = spawn_app(Backend::Postgres).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");

    let added = app
        .call(
            &host,
            "add_team",
            &[("name", "  Platform  ")],
            Some(&mut jar),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let page = app.get(&host, "/", Some(&mut jar)).await;

    assert_eq!(team_count(&page.body), Some(1), "{}", page.body);
    assert!(page.body.contains("<li>Platform</li>"), "{}", page.body);
}

#[tokio::test]
async fn duplicate_and_empty_team_names_are_field_errors() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    app.call(&host, "add_team", &[("name", "Platform")], Some(&mut jar))
        .await;

    let duplicate = app
        .call(&host, "add_team", &[("name", "Platform")], Some(&mut jar))
        .await;
    let empty = app
        .call(&host, "add_team", &[("name", "   ")], Some(&mut jar))
        .await;
    let long = app
        .call(
            &host,
            "add_team",
            &[("name", &"x".repeat(81))],
            Some(&mut jar),
        )
        .await;

    assert_eq!(
        app_error(&duplicate).field_error("name").as_deref(),
        Some("A team with this name already exists.")
    );
    assert_eq!(
        app_error(&empty).field_error("name").as_deref(),
        Some("Enter a team name.")
    );
    assert_eq!(
        app_error(&long).field_error("name").as_deref(),
        Some("Use at most 80 characters.")
    );
}

#[tokio::test]
async fn without_javascript_adding_a_team_returns_to_the_page() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");

    let response = app
        .post_form(&host, "add_team", &[("name", "Data")], Some(&mut jar))
        .await;

    assert_eq!(response.status, 302);
    let location = response.header("location").unwrap();
    assert!(
        location.starts_with(&format!("http://{host}/")),
        "{location}"
    );
    assert!(!location.contains("__err"), "{location}");
    let page = app.get(&host, "/", Some(&mut jar)).await;
    assert_eq!(team_count(&page.body), Some(1), "{}", page.body);
}
