//! Plans: an organization's plan caps every create path (members and open
//! invitations, repositories, teams, rules, API tokens), from the server
//! functions and the REST API alike, with a message naming the plan; creates
//! at once cannot pass a cap; plans come from the operator's file.

use crate::helpers::{app_error, spawn_app_with, Backend, TestApp};
use crate::http::CookieJar;
use app::model::AppError;

/// A plans file with a tiny plan, as the operator writes it.
fn tiny_plans(app_dir: &std::path::Path) -> String {
    let path = app_dir.join("plans.toml");
    std::fs::write(
        &path,
        r#"
[[plan]]
name = "tiny"
label = "Tiny"
members = 3
repositories = 2
teams = 1
rules = 1
api_tokens = 1

[[plan]]
name = "big"
members = 100
repositories = 100
teams = 100
rules = 100
api_tokens = 100
"#,
    )
    .unwrap();
    path.display().to_string()
}

async fn tiny_app(backend: Backend) -> TestApp {
    let dir = std::env::temp_dir().join(format!("tenantry-plans-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let plans = tiny_plans(&dir);
    spawn_app_with(backend, &["--plans", &plans, "--default-plan", "tiny"]).await
}

/// The message next to `field` of a refused call.
fn refused_at(response: &crate::http::Response, field: &str) -> String {
    assert_eq!(response.status, 422, "{}", response.body);
    match app_error(response) {
        AppError::Validation(errors) => errors.get(field).unwrap_or_default().to_owned(),
        other => panic!("{other:?}"),
    }
}

async fn call(
    app: &TestApp,
    jar: &mut CookieJar,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> crate::http::Response {
    app.call(&app.tenant_host("acme"), endpoint, fields, Some(jar))
        .await
}

#[tokio::test]
async fn the_plan_caps_every_create_path_and_names_itself() {
    let app = tiny_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;

    // Teams: one.
    let first = call(&app, &mut owner, "add_team", &[("name", "Payments")]).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let team: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    let team_id = team["id"].as_i64().unwrap().to_string();
    let said = refused_at(
        &call(&app, &mut owner, "add_team", &[("name", "Search")]).await,
        "name",
    );
    assert_eq!(
        said,
        "This organization has 1 teams, the most the Tiny plan allows. Remove some, or move \
         the organization to a larger plan."
    );

    // Repositories: two, from a pasted list; the third line says why not.
    let pasted = call(
        &app,
        &mut owner,
        "paste_repositories",
        &[("list", "acme/a\nacme/b\nacme/c")],
    )
    .await;
    assert!(
        pasted.body.contains("the most the Tiny plan allows"),
        "{}",
        pasted.body
    );
    let one = call(&app, &mut owner, "add_repository", &[("name", "acme/d")]).await;
    assert!(refused_at(&one, "name").contains("2 repositories, the most the Tiny plan"));

    // Rules: one.
    let rule = [("team_id", team_id.as_str()), ("pattern", "^acme/")];
    let added = call(&app, &mut owner, "add_pattern_rule", &rule).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let again = [("team_id", team_id.as_str()), ("pattern", "^other/")];
    let said = refused_at(
        &call(&app, &mut owner, "add_pattern_rule", &again).await,
        "pattern",
    );
    assert!(
        said.contains("1 rules, the most the Tiny plan allows"),
        "{said}"
    );

    // API tokens: one.
    let token = [("name", "CI"), ("role", "viewer")];
    assert_eq!(
        call(&app, &mut owner, "create_api_token", &token)
            .await
            .status,
        200
    );
    let token = [("name", "Deploy"), ("role", "viewer")];
    let said = refused_at(
        &call(&app, &mut owner, "create_api_token", &token).await,
        "name",
    );
    assert!(
        said.contains("1 API tokens, the most the Tiny plan allows"),
        "{said}"
    );

    // Members and open invitations: three seats, the owner holds one.
    for email in ["a@example.test", "b@example.test"] {
        let invited = call(
            &app,
            &mut owner,
            "invite_member",
            &[("email", email), ("role", "member")],
        )
        .await;
        assert_eq!(invited.status, 200, "{}", invited.body);
    }
    let third = call(
        &app,
        &mut owner,
        "invite_member",
        &[("email", "c@example.test"), ("role", "member")],
    )
    .await;
    let said = refused_at(&third, "email");
    assert!(
        said.contains("3 members and invitations, the most the Tiny plan"),
        "{said}"
    );
    // Refused before any mail went.
    assert!(app.mail.sent_to("c@example.test").is_empty());

    // The dashboard's meters read the plan.
    let dashboard = call(&app, &mut owner, "dashboard", &[]).await;
    assert!(
        dashboard.body.contains(r#""plan":"Tiny""#),
        "{}",
        dashboard.body
    );
    assert!(
        dashboard
            .body
            .contains(r#""noun":"teams","used":1,"max":1"#),
        "{}",
        dashboard.body
    );
}

#[tokio::test]
async fn the_rest_api_keeps_to_the_plan_too() {
    let app = tiny_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let token = app.api_token("acme", &mut owner, "admin").await;
    let team = |name: &str| serde_json::json!({ "name": name });
    let created = app
        .api(
            "acme",
            "POST",
            "/teams",
            Some(&token),
            Some(&team("One")),
            None,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let refused = app
        .api(
            "acme",
            "POST",
            "/teams",
            Some(&token),
            Some(&team("Two")),
            None,
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("the most the Tiny plan allows"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn invitations_sent_at_once_cannot_pass_the_seats() {
    let app = tiny_app(Backend::Postgres).await;
    let owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let invites = (0..6).map(|n| {
        let mut jar = owner.clone();
        let app = &app;
        async move {
            let email = format!("p{n}@example.test");
            call(
                app,
                &mut jar,
                "invite_member",
                &[("email", &email), ("role", "member")],
            )
            .await
        }
    });
    let answers = futures::future::join_all(invites).await;
    let sent = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(
        sent,
        2,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_downgrade_lists_what_exceeds_and_only_owners_move_plans() {
    let app = tiny_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let change = async |jar: &mut CookieJar, plan: &str| {
        call(&app, jar, "change_plan", &[("plan", plan)]).await
    };

    // Up: the larger caps hold from the next request on.
    let moved = change(&mut owner, "big").await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let entry = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(
        (
            entry.action.as_str(),
            entry.before.as_deref(),
            entry.after.as_deref()
        ),
        ("organization.plan", Some("Tiny"), Some("big"))
    );
    for name in ["Payments", "Search"] {
        let added = call(&app, &mut owner, "add_team", &[("name", name)]).await;
        assert_eq!(added.status, 200, "{}", added.body);
    }

    // Down: refused, with exactly what to remove; the page says it before.
    let said = refused_at(&change(&mut owner, "tiny").await, "plan");
    assert_eq!(
        said,
        "This organization holds more than the Tiny plan allows: 2 teams (the Tiny plan allows \
         1: remove 1)."
    );
    let page = call(&app, &mut owner, "plan", &[]).await;
    let page: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(page["current"], "big");
    let tiny = page["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "tiny")
        .unwrap();
    assert_eq!(
        tiny["exceeds"][0],
        "2 teams (the Tiny plan allows 1: remove 1)"
    );
    let unknown = refused_at(&change(&mut owner, "gold").await, "plan");
    assert_eq!(unknown, "Choose one of the plans listed.");

    // Rendered whole without JavaScript.
    let html = app
        .get(&app.tenant_host("acme"), "/settings/plan", Some(&mut owner))
        .await;
    assert!(
        html.body.contains(r#"data-testid="plan-tiny""#),
        "{}",
        html.body
    );
    assert!(
        html.body.contains("Holds more than it allows"),
        "{}",
        html.body
    );

    // Owners only.
    for role in [
        app::model::Role::Admin,
        app::model::Role::Member,
        app::model::Role::Viewer,
    ] {
        let mut jar = app.signed_in_as("acme", role).await;
        let refused = change(&mut jar, "tiny").await;
        assert_eq!(refused.status, 403, "{role:?}: {}", refused.body);
    }
    assert_eq!(
        app.tenant("acme").await.unwrap().plan.as_deref(),
        Some("big")
    );
}
