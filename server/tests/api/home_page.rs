//! The home page stays the same size however much an organization holds:
//! its first teams with a link to all of them, and an account menu with
//! the first few other organizations and a link to the apex page that
//! lists every one.

use crate::helpers::{spawn_app, team_count, Backend};
use app::model::{auth::MENU_ORGANIZATIONS, teams::HOME_TEAMS, Role};

#[tokio::test]
async fn long_lists_are_cut_short_with_a_link_to_all_of_them() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let teams = HOME_TEAMS + 2;
    for i in 0..teams {
        let added = app
            .call(
                &host,
                "add_team",
                &[("name", &format!("Team {i:02}"))],
                Some(&mut jar),
            )
            .await;
        assert_eq!(added.status, 200, "{}", added.body);
    }
    // Member of acme and of as many more as the menu lists, plus two.
    let others = MENU_ORGANIZATIONS + 2;
    for i in 0..others {
        let slug = format!("org{i:02}");
        app.sign_up(&slug).await;
        app.add_member(&slug, "owner@acme.test", Role::Viewer).await;
    }

    let page = app.get(&host, "/", Some(&mut jar)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(team_count(&page.body), Some(teams), "the count is of all");
    let listed = (0..teams)
        .filter(|i| page.body.contains(&format!("<li>Team {i:02}</li>")))
        .count() as u64;
    assert_eq!(listed, HOME_TEAMS, "{}", page.body);
    assert!(
        page.body.contains(&format!("All {teams} teams")),
        "{}",
        page.body
    );

    let switches = page.body.matches(r#"data-testid="open-org"#).count() as u64;
    assert_eq!(switches, MENU_ORGANIZATIONS, "{}", page.body);
    assert!(page.body.contains(r#"data-testid="all-organizations""#));
    assert!(
        page.body
            .contains(&format!("All {} organizations", others + 1)),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("{}/organizations", app.apex())),
        "the link goes to the apex's page: {}",
        page.body
    );
}
