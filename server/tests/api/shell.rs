//! The organization's shell: every members' page has the same header, with
//! the organization's name, the pages the reader's role may open (the one
//! they are on marked), and the account menu with their email and role.
//! Nobody signed in: a way to log in, and nothing of the organization.

use crate::helpers::{spawn_app, Backend};
use app::model::{Permission, Role};

/// Every page of the navigation: its address, its link's test id, and the
/// permission that opens it.
const NAVIGATION: [(&str, &str, Permission); 10] = [
    ("/", "nav-home", Permission::ViewOrganization),
    ("/dashboard", "nav-dashboard", Permission::ViewAuditLog),
    ("/teams", "nav-teams", Permission::ViewOrganization),
    (
        "/repositories",
        "nav-repositories",
        Permission::ViewOrganization,
    ),
    ("/rules", "nav-rules", Permission::ViewOrganization),
    ("/labels", "nav-labels", Permission::ViewOrganization),
    ("/members", "nav-members", Permission::ViewOrganization),
    ("/audit", "nav-audit", Permission::ViewAuditLog),
    ("/api-tokens", "nav-api-tokens", Permission::ManageSettings),
    ("/settings", "nav-settings", Permission::ManageSettings),
];

#[tokio::test]
async fn every_page_has_one_navigation_with_what_the_role_may_open_and_where_you_are() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let added = app
        .call(
            &host,
            "add_repository",
            &[("name", "acme/api")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let repository = serde_json::from_str::<serde_json::Value>(&added.body).unwrap()["id"]
        .as_i64()
        .unwrap();

    for role in Role::ALL {
        let mut jar = if role == Role::Owner {
            owner.clone()
        } else {
            app.signed_in_as("acme", role).await
        };
        // The pages the role opens, and a repository's page, which is
        // under Repositories.
        let mut visits: Vec<(String, &str)> = NAVIGATION
            .iter()
            .filter(|(.., needs)| role.grants(*needs))
            .map(|(path, testid, _)| (path.to_string(), *testid))
            .collect();
        visits.push((format!("/repositories/{repository}"), "nav-repositories"));
        for (path, current) in &visits {
            let page = app.get(&host, path, Some(&mut jar)).await;
            assert_eq!(page.status, 200, "{role:?} {path}: {}", page.body);
            let body = &page.body;
            assert!(
                body.contains(r#"data-testid="shell-org-name""#) && body.contains(">Org acme</a>"),
                "{role:?} {path}: {body}"
            );
            assert!(
                body.contains(&format!(r#"data-testid="role">{}</span>"#, role.label())),
                "{role:?} {path}: {body}"
            );
            for (_, testid, needs) in NAVIGATION {
                assert_eq!(
                    body.contains(&format!(r#"data-testid="{testid}""#)),
                    role.grants(needs),
                    "{role:?} {path}: {testid}"
                );
            }
            assert_eq!(
                body.matches(r#"aria-current="page""#).count(),
                1,
                "{role:?} {path}: {body}"
            );
            assert!(
                body.contains(&format!(r#"data-testid="{current}" aria-current="page""#)),
                "{role:?} {path}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn signed_out_the_shell_offers_to_log_in_and_shows_nothing_of_the_organization() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    for path in ["/", "/teams", "/rules", "/members", "/onboarding"] {
        let page = app.get(&host, path, None).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(
            page.body.contains("sign-in-required"),
            "{path}: {}",
            page.body
        );
        assert!(
            page.body.contains(r#"href="/login""#),
            "{path}: {}",
            page.body
        );
        assert!(!page.body.contains("Org acme"), "{path}: {}", page.body);
        assert!(!page.body.contains("nav-teams"), "{path}: {}", page.body);
    }
}
