//! The catalog's functions (teams, repositories, labels, rules, decisions,
//! the wizard) stay inside their tenant.

use crate::helpers::{app_error, spawn_app, Backend};
use app::model::AppError;

/// Teams, repositories, labels, rules, decisions and the wizard: B's
/// session replayed on A's host gets 401 and nothing of A; on B's own host,
/// A's ids name nothing (404), and A's data is unchanged.
async fn catalog_functions_stay_inside_their_tenant(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut a_jar = app.signed_in_owner("alpha").await;
    let a_host = app.tenant_host("alpha");
    let call = |endpoint: &'static str, fields: Vec<(&'static str, String)>| (endpoint, fields);
    let ok = |response: crate::http::Response| {
        assert_eq!(response.status, 200, "{}", response.body);
        serde_json::from_str::<serde_json::Value>(&response.body).unwrap()
    };
    let team = ok(app
        .call(
            &a_host,
            "add_team",
            &[("name", "Alpha secret team")],
            Some(&mut a_jar),
        )
        .await)["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let repository = ok(app
        .call(
            &a_host,
            "add_repository",
            &[("name", "alpha/secret-repo")],
            Some(&mut a_jar),
        )
        .await)["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let label = ok(app
        .call(
            &a_host,
            "add_label",
            &[("name", "alpha-secret-label")],
            Some(&mut a_jar),
        )
        .await)["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let rule = ok(app
        .call(
            &a_host,
            "add_pattern_rule",
            &[("team_id", &team), ("pattern", "secret")],
            Some(&mut a_jar),
        )
        .await)
    .as_i64()
    .unwrap()
    .to_string();
    let domain = "secret-portal.alpha.test";
    ok(app
        .call(&a_host, "add_domain", &[("host", domain)], Some(&mut a_jar))
        .await);
    let a_entries = app.audit_entries("alpha").await.len();

    let mut b_jar = app.signed_in_owner("bravo").await;
    let b_host = app.tenant_host("bravo");
    let mut replayed = b_jar.clone();
    replayed.replay(&b_host, &a_host);
    let empty = String::new;
    let calls = [
        call("org_shell", vec![]),
        call("dashboard", vec![]),
        call("org_settings", vec![]),
        call("rename_organization", vec![("name", "Planted".into())]),
        call("change_subdomain", vec![("subdomain", "planted".into())]),
        call("update_branding", vec![("brand_color", "#0b6e4f".into())]),
        call(
            "update_display",
            vec![
                ("time_zone", "Europe/Berlin".into()),
                ("date_format", "day".into()),
            ],
        ),
        call(
            "delete_organization",
            vec![("password", "x".into()), ("slug", "alpha".into())],
        ),
        call("plan", vec![]),
        call("change_plan", vec![("plan", "free".into())]),
        call("notifications", vec![]),
        call(
            "update_notifications",
            vec![
                ("membership_changes", "off".into()),
                ("invitations_accepted", "off".into()),
                ("weekly_digest", "on".into()),
            ],
        ),
        call("update_notification_defaults", vec![]),
        call("custom_domains", vec![]),
        call("add_domain", vec![("host", "planted.example.com".into())]),
        call("verify_domain", vec![("host", domain.into())]),
        call("remove_domain", vec![("host", domain.into())]),
        call("tenant_home", vec![]),
        call("teams", vec![]),
        call(
            "repositories",
            vec![
                ("q", empty()),
                ("team", empty()),
                ("label", empty()),
                ("unassigned", empty()),
                ("sort", empty()),
                ("page", empty()),
            ],
        ),
        call("repository", vec![("id", repository.clone())]),
        call("labels", vec![]),
        call("rules", vec![]),
        call("preview_pattern", vec![("pattern", "secret".into())]),
        call("onboarding", vec![]),
        call(
            "rename_team",
            vec![("id", team.clone()), ("name", "Planted".into())],
        ),
        call("remove_team", vec![("id", team.clone())]),
        call("add_repository", vec![("name", "planted/repo".into())]),
        call("paste_repositories", vec![("list", "planted/repo".into())]),
        call(
            "rename_repository",
            vec![("id", repository.clone()), ("name", "planted/x".into())],
        ),
        call("remove_repository", vec![("id", repository.clone())]),
        call(
            "set_repository_labels",
            vec![("id", repository.clone()), ("labels", "planted".into())],
        ),
        call(
            "decide_repository",
            vec![
                ("id", repository.clone()),
                ("team_id", team.clone()),
                ("decision", "exclude".into()),
            ],
        ),
        call("add_label", vec![("name", "planted".into())]),
        call(
            "rename_label",
            vec![("id", label.clone()), ("name", "planted".into())],
        ),
        call("remove_label", vec![("id", label.clone())]),
        call(
            "add_pattern_rule",
            vec![("team_id", team.clone()), ("pattern", "planted".into())],
        ),
        call(
            "add_label_rule",
            vec![("team_id", team.clone()), ("label", "planted".into())],
        ),
        call(
            "update_rule",
            vec![
                ("id", rule.clone()),
                ("team_id", team.clone()),
                ("pattern", "planted".into()),
            ],
        ),
        call("remove_rule", vec![("id", rule.clone())]),
        call("onboarding_step", vec![("step", "review".into())]),
        call("end_onboarding", vec![("how", "skipped".into())]),
    ];
    for (endpoint, fields) in &calls {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app
            .call(&a_host, endpoint, &fields, Some(&mut replayed))
            .await;
        assert_eq!(response.status, 401, "{endpoint}: {}", response.body);
        assert_eq!(app_error(&response), AppError::Unauthorized, "{endpoint}");
        assert!(
            !response.body.contains("secret"),
            "{endpoint}: {}",
            response.body
        );
    }
    for path in [
        "/teams",
        "/repositories",
        &format!("/repositories/{repository}"),
        "/labels",
        "/rules",
        "/onboarding",
        "/settings/domains",
        "/notifications",
        "/settings/plan",
    ] {
        let page = app.get(&a_host, path, Some(&mut replayed)).await;
        assert!(!page.body.contains("secret"), "{path}: {}", page.body);
        assert!(!page.body.contains("Alpha"), "{path}: {}", page.body);
    }

    // On B's own host, A's ids are nothing of B's.
    for (endpoint, fields) in [
        ("repository", vec![("id", repository.as_str())]),
        (
            "rename_team",
            vec![("id", team.as_str()), ("name", "Planted")],
        ),
        ("remove_team", vec![("id", team.as_str())]),
        (
            "rename_repository",
            vec![("id", repository.as_str()), ("name", "x/y")],
        ),
        ("remove_repository", vec![("id", repository.as_str())]),
        (
            "set_repository_labels",
            vec![("id", repository.as_str()), ("labels", "")],
        ),
        (
            "rename_label",
            vec![("id", label.as_str()), ("name", "Planted")],
        ),
        ("remove_label", vec![("id", label.as_str())]),
        ("remove_rule", vec![("id", rule.as_str())]),
        ("verify_domain", vec![("host", domain)]),
        ("remove_domain", vec![("host", domain)]),
        (
            "update_rule",
            vec![
                ("id", rule.as_str()),
                ("team_id", team.as_str()),
                ("pattern", "x"),
            ],
        ),
    ] {
        let response = app.call(&b_host, endpoint, &fields, Some(&mut b_jar)).await;
        assert_eq!(response.status, 404, "{endpoint}: {}", response.body);
        assert_eq!(app_error(&response), AppError::NotFound, "{endpoint}");
    }

    assert_eq!(app.audit_entries("alpha").await.len(), a_entries);
    let a_domains = app
        .call(&a_host, "custom_domains", &[], Some(&mut a_jar))
        .await;
    assert!(a_domains.body.contains(domain), "{}", a_domains.body);
    let a_repos = app
        .call(
            &a_host,
            "repository",
            &[("id", &repository)],
            Some(&mut a_jar),
        )
        .await;
    assert!(
        a_repos.body.contains("alpha/secret-repo"),
        "{}",
        a_repos.body
    );
    assert!(
        a_repos.body.contains("Alpha secret team"),
        "{}",
        a_repos.body
    );
}

#[tokio::test]
async fn catalog_functions_stay_inside_their_tenant_on_sqlite() {
    catalog_functions_stay_inside_their_tenant(Backend::Sqlite).await;
}

#[tokio::test]
async fn catalog_functions_stay_inside_their_tenant_on_postgres() {
    catalog_functions_stay_inside_their_tenant(Backend::Postgres).await;
}
