//! The admins' dashboard: what the organization holds, its activity per
//! day and its repositories per team (charts drawn on the server, with the
//! same numbers as tables), the latest changes and use of its limits; on
//! both backends, for owners and admins only.

use crate::helpers::{app_error, spawn_app, Backend};
use app::model::{dashboard::Dashboard, AppError, Role};

async fn the_dashboard_shows_what_the_organization_holds(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let mut call = async |endpoint: &str, fields: &[(&str, &str)]| {
        let response = app.call(&host, endpoint, fields, Some(&mut owner)).await;
        assert_eq!(response.status, 200, "{endpoint}: {}", response.body);
        serde_json::from_str::<serde_json::Value>(&response.body).unwrap()
    };
    let payments = call("add_team", &[("name", "Payments")]).await["id"].to_string();
    let search = call("add_team", &[("name", "R&D <search>")]).await["id"].to_string();
    call(
        "paste_repositories",
        &[(
            "list",
            "acme/pay-api\nacme/pay-web\nacme/search-ui\nacme/misc",
        )],
    )
    .await;
    call(
        "add_pattern_rule",
        &[("team_id", &payments), ("pattern", "^acme/pay")],
    )
    .await;
    call(
        "add_pattern_rule",
        &[("team_id", &search), ("pattern", "search")],
    )
    .await;
    app.add_member("acme", "admin@acme.test", Role::Admin).await;

    let response = app.call(&host, "dashboard", &[], Some(&mut owner)).await;
    assert_eq!(response.status, 200, "{}", response.body);
    let dashboard: Dashboard = serde_json::from_str(&response.body).unwrap();
    assert_eq!((dashboard.members, dashboard.pending_invitations), (2, 0));
    assert_eq!(
        (
            dashboard.teams,
            dashboard.repositories,
            dashboard.unassigned,
            dashboard.rules,
            dashboard.labels,
            dashboard.api_tokens
        ),
        (2, 4, 1, 2, 0, 0)
    );
    // Thirty days, today last, with every change made here today.
    let entries = app.audit_entries("acme").await;
    assert_eq!(dashboard.activity.len(), 30);
    let today = dashboard.activity.last().unwrap();
    assert_eq!(
        today.count,
        entries.len() as u64,
        "{:?}",
        dashboard.activity
    );
    assert!(dashboard.activity[..29].iter().all(|day| day.count == 0));
    let per_team: Vec<(&str, u64)> = dashboard
        .per_team
        .iter()
        .map(|c| (c.label.as_str(), c.count))
        .collect();
    assert_eq!(per_team, [("Payments", 2), ("R&D <search>", 1)]);
    assert_eq!(dashboard.other_teams, None);
    // The latest changes, newest first.
    let newest: Vec<&str> = entries
        .iter()
        .rev()
        .take(5)
        .map(|e| e.action.as_str())
        .collect();
    let recent: Vec<&str> = dashboard.recent.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(recent, newest);
    let teams = dashboard.usage.iter().find(|u| u.noun == "teams").unwrap();
    assert_eq!((teams.used, teams.max), (2, 1_000));

    // The page: the charts as SVG images with the team's name escaped,
    // and their numbers as tables.
    let page = app.get(&host, "/dashboard", Some(&mut owner)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    assert_eq!(body.matches(r#"role="img""#).count(), 2, "{body}");
    assert!(
        body.contains("<title>Repositories per team</title>"),
        "{body}"
    );
    assert!(
        body.contains("R&amp;D &lt;search&gt;: 1 repository"),
        "{body}"
    );
    assert!(!body.contains("R&D <search>"), "{body}");
    assert!(
        body.contains(r#"<th scope="row">Payments</th><td>2</td>"#),
        "{body}"
    );
    assert!(
        body.contains(r#"data-testid="tile-repositories""#),
        "{body}"
    );
    assert!(body.contains("Give 1 repository a team"), "{body}");
}

#[tokio::test]
async fn the_dashboard_shows_what_the_organization_holds_on_sqlite() {
    the_dashboard_shows_what_the_organization_holds(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_dashboard_shows_what_the_organization_holds_on_postgres() {
    the_dashboard_shows_what_the_organization_holds(Backend::Postgres).await;
}

#[tokio::test]
async fn only_owners_and_admins_see_the_dashboard() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    for (role, allowed) in [
        (Role::Admin, true),
        (Role::Member, false),
        (Role::Viewer, false),
    ] {
        let mut jar = app.signed_in_as("acme", role).await;
        let response = app.call(&host, "dashboard", &[], Some(&mut jar)).await;
        let page = app.get(&host, "/dashboard", Some(&mut jar)).await;
        if allowed {
            assert_eq!(response.status, 200, "{role:?}: {}", response.body);
            assert!(page.body.contains("tile-members"), "{role:?}");
        } else {
            assert_eq!(response.status, 403, "{role:?}: {}", response.body);
            assert_eq!(app_error(&response), AppError::Forbidden);
            assert!(!page.body.contains("tile-members"), "{role:?}");
            assert!(!page.body.contains(r#"role="img""#), "{role:?}");
        }
    }
}
