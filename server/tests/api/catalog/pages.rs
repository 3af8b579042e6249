//! The catalog's pages as served: what they show, and a viewer's view
//! without the forms.

use crate::helpers::{Backend, Org};

#[tokio::test]
async fn the_pages_show_teams_repositories_with_why_labels_and_rules() {
    let mut org = Org::new(Backend::Sqlite).await;
    let team = org.team("Payments").await.to_string();
    org.ok::<Vec<String>>(
        "paste_repositories",
        &[("list", "acme/payments-api\nacme/docs")],
    )
    .await;
    org.ok::<i64>(
        "add_pattern_rule",
        &[("team_id", &team), ("pattern", "payments")],
    )
    .await;
    let docs = org.repository_id("acme/docs").await;
    org.ok::<Vec<String>>(
        "set_repository_labels",
        &[("id", &docs.to_string()), ("labels", "handbook")],
    )
    .await;
    let api = org.repository_id("acme/payments-api").await;
    async fn page(org: &mut Org, path: &str) -> String {
        let page = org.app.get(&org.host, path, Some(&mut org.jar)).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        page.body
    }
    let detail = page(&mut org, &format!("/repositories/{api}")).await;
    assert!(
        detail.contains(r#"data-testid="repository-name">acme/payments-api<"#),
        "{detail}"
    );
    assert!(
        detail.contains(r#"data-testid="owner"><strong>Payments</strong>"#),
        "{detail}"
    );
    assert!(detail.contains("name matches payments"), "{detail}");
    let list = page(&mut org, "/repositories?unassigned=1").await;
    assert!(list.contains(r#"data-name="acme/docs""#), "{list}");
    assert!(!list.contains(r#"data-name="acme/payments-api""#), "{list}");
    assert!(
        list.contains("1 of 2 repositories; 1 without a team."),
        "{list}"
    );
    let teams = page(&mut org, "/teams").await;
    assert!(teams.contains(r#"class="name">Payments</span>"#), "{teams}");
    assert!(teams.contains("1 repositories"), "{teams}");
    let rules = page(&mut org, "/rules").await;
    assert!(rules.contains("name matches payments"), "{rules}");
    let labels = page(&mut org, "/labels").await;
    assert!(
        labels.contains(r#"data-testid="label-name">handbook<"#),
        "{labels}"
    );
    let missing = page(&mut org, "/repositories/999").await;
    assert!(missing.contains("Repository not found"), "{missing}");
}

#[tokio::test]
async fn a_viewer_sees_the_catalog_pages_without_their_forms() {
    let mut org = Org::new(Backend::Sqlite).await;
    org.team("Payments").await;
    org.ok::<app::model::mapping::Label>("add_label", &[("name", "backend")])
        .await;
    let mut viewer = org.app.signed_in_as("acme", app::model::Role::Viewer).await;
    for (path, shown, form) in [
        ("/teams", "Payments", r#"data-testid="add-team""#),
        ("/labels", "backend", r#"data-testid="add-label""#),
        (
            "/rules",
            "No rules yet.",
            r#"data-testid="add-pattern-rule""#,
        ),
        (
            "/repositories",
            "0 of 0 repositories",
            r#"data-testid="paste-repositories""#,
        ),
    ] {
        let owner_page = org.app.get(&org.host, path, Some(&mut org.jar)).await;
        assert!(
            owner_page.body.contains(form),
            "{path}: {}",
            owner_page.body
        );
        let page = org.app.get(&org.host, path, Some(&mut viewer)).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains(shown), "{path}: {}", page.body);
        assert!(!page.body.contains(form), "{path}: {}", page.body);
        assert!(!page.body.contains("Rename or remove"), "{path}");
    }

    // A repository's own page: its labels and exclusions as text.
    let platform = org.team("Platform").await.to_string();
    let repo: app::model::repositories::RepositoryRow =
        org.ok("add_repository", &[("name", "acme/api")]).await;
    let id = repo.id.to_string();
    org.ok::<Vec<String>>(
        "set_repository_labels",
        &[("id", &id), ("labels", "backend")],
    )
    .await;
    org.ok::<()>(
        "decide_repository",
        &[("id", &id), ("team_id", &platform), ("decision", "exclude")],
    )
    .await;
    let path = format!("/repositories/{id}");
    let forms = [
        r#"data-testid="labels-form""#,
        "Decide by hand",
        r#"data-testid="remove-repository""#,
    ];
    let owner_page = org.app.get(&org.host, &path, Some(&mut org.jar)).await;
    for form in forms {
        assert!(
            owner_page.body.contains(form),
            "{form}: {}",
            owner_page.body
        );
    }
    let page = org.app.get(&org.host, &path, Some(&mut viewer)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("acme/api"), "{}", page.body);
    for form in forms {
        assert!(!page.body.contains(form), "{form}: {}", page.body);
    }
    // The element's text, hydration markers and all.
    let text_of = |testid: &str| {
        let start = page
            .body
            .find(&format!(r#"data-testid="{testid}""#))
            .unwrap_or_else(|| panic!("no {testid}: {}", page.body));
        let end = start + page.body[start..].find("</p>").unwrap();
        page.body[start..end].to_string()
    };
    assert!(text_of("labels").contains("backend"), "{}", page.body);
    assert!(text_of("excluded").contains("Platform"), "{}", page.body);
    assert!(!text_of("excluded").contains("Payments"), "{}", page.body);
}
