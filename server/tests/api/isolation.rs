//! Tenant B's session must get nothing from tenant A: not its page, not its
//! server functions, even when B's cookie is replayed on A's host.

use crate::helpers::{app_error, spawn_app, Backend};
use app::model::AppError;

async fn tenant_b_session_cannot_read_or_change_tenant_a(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut a_jar = app.signed_in_owner("alpha").await;
    let a_host = app.tenant_host("alpha");
    let added = app
        .call(
            &a_host,
            "add_team",
            &[("name", "Alpha secret team")],
            Some(&mut a_jar),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);

    let mut b_jar = app.signed_in_owner("bravo").await;
    // B's cookie, presented on A's host (what a browser never does by itself).
    b_jar.replay(&app.tenant_host("bravo"), &a_host);

    let page = app.get(&a_host, "/", Some(&mut b_jar)).await;
    assert!(page.body.contains("sign-in-required"), "{}", page.body);
    for secret in ["Alpha secret team", "Org alpha", "owner@alpha.test"] {
        assert!(
            !page.body.contains(secret),
            "{secret} leaked: {}",
            page.body
        );
    }

    let home = app
        .call(&a_host, "tenant_home", &[], Some(&mut b_jar))
        .await;
    assert_eq!(home.status, 401);
    assert_eq!(app_error(&home), AppError::Unauthorized);

    let add = app
        .call(
            &a_host,
            "add_team",
            &[("name", "Planted by B")],
            Some(&mut b_jar),
        )
        .await;
    assert_eq!(app_error(&add), AppError::Unauthorized);
    // The account functions see no one either: B's session is not a session
    // on A's host.
    for endpoint in ["account", "log_out_everywhere"] {
        let response = app.call(&a_host, endpoint, &[], Some(&mut b_jar)).await;
        assert_eq!(response.status, 401, "{endpoint}: {}", response.body);
    }
    let open = app
        .call(
            &a_host,
            "open_organization",
            &[("slug", "bravo")],
            Some(&mut b_jar),
        )
        .await;
    assert_eq!(open.status, 401, "{}", open.body);
    // B's own sessions were not ended by any of that.
    let b_home = app
        .call(
            &app.tenant_host("bravo"),
            "tenant_home",
            &[],
            Some(&mut b_jar),
        )
        .await;
    assert_eq!(b_home.status, 200, "{}", b_home.body);

    let a_home = app
        .call(&a_host, "tenant_home", &[], Some(&mut a_jar))
        .await;
    assert!(!a_home.body.contains("Planted by B"));
    assert!(a_home.body.contains(r#""team_count":1"#), "{}", a_home.body);
}

#[tokio::test]
async fn tenant_b_session_cannot_read_or_change_tenant_a_on_sqlite() {
    tenant_b_session_cannot_read_or_change_tenant_a(Backend::Sqlite).await;
}

#[tokio::test]
async fn tenant_b_session_cannot_read_or_change_tenant_a_on_postgres() {
    tenant_b_session_cannot_read_or_change_tenant_a(Backend::Postgres).await;
}

#[tokio::test]
async fn anonymous_visitors_get_nothing_from_a_tenant() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("alpha").await;
    let host = app.tenant_host("alpha");
    app.call(&host, "add_team", &[("name", "Hidden")], Some(&mut owner))
        .await;

    let page = app.get(&host, "/", None).await;
    assert!(page.body.contains("sign-in-required"));
    assert!(!page.body.contains("Hidden") && !page.body.contains("Org alpha"));
    assert_eq!(
        app_error(&app.call(&host, "tenant_home", &[], None).await),
        AppError::Unauthorized
    );
    assert_eq!(
        app_error(&app.call(&host, "add_team", &[("name", "x")], None).await),
        AppError::Unauthorized
    );
}

#[tokio::test]
async fn apex_server_functions_do_not_exist_on_tenant_hosts_and_vice_versa() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("alpha").await;
    let host = app.tenant_host("alpha");

    let signup_on_tenant = app
        .call(
            &host,
            "sign_up",
            &[
                ("org_name", "X"),
                ("subdomain", "xyz"),
                ("email", "a@b.co"),
                ("password", "long enough"),
            ],
            Some(&mut owner),
        )
        .await;
    assert_eq!(signup_on_tenant.status, 404);
    assert_eq!(app_error(&signup_on_tenant), AppError::NotFound);
    let teams_on_apex = app.call(&app.apex(), "tenant_home", &[], None).await;
    assert_eq!(app_error(&teams_on_apex), AppError::NotFound);
    assert_eq!(app.count_tenants().await, 1);
}

/// The member and audit functions, with B's session on A's host, and B's
/// own admin naming A's people by id on B's host: nothing of A is read or
/// changed.
async fn member_and_audit_functions_stay_inside_their_tenant(backend: Backend) {
    use app::model::Role;
    let app = spawn_app(backend).await;
    let mut a_jar = app.signed_in_owner("alpha").await;
    let a_host = app.tenant_host("alpha");
    app.add_member("alpha", "colleague@alpha.test", Role::Member)
        .await;
    app.call(
        &a_host,
        "add_team",
        &[("name", "Alpha team")],
        Some(&mut a_jar),
    )
    .await;
    let a_owner = app.user_id("owner@alpha.test").await.to_string();
    let a_colleague = app.user_id("colleague@alpha.test").await.to_string();
    let a_entries = app.audit_entries("alpha").await.len();
    assert_eq!(a_entries, 1);

    let mut b_jar = app.signed_in_owner("bravo").await;
    let b_host = app.tenant_host("bravo");
    let mut replayed = b_jar.clone();
    replayed.replay(&b_host, &a_host);
    let a_invitation = app
        .add_invitation("alpha", "invitee@example.test", Role::Member)
        .await
        .to_string();
    let calls: [(&str, Vec<(&str, &str)>); 9] = [
        ("members", vec![("search", ""), ("role", "")]),
        (
            "audit_log",
            vec![("actor", ""), ("action", ""), ("from", ""), ("to", "")],
        ),
        (
            "change_member_roles",
            vec![("user_ids", &a_colleague), ("role", "owner")],
        ),
        ("remove_members", vec![("user_ids", &a_owner)]),
        ("leave_organization", vec![]),
        ("invitations", vec![]),
        (
            "invite_member",
            vec![("email", "planted@example.test"), ("role", "owner")],
        ),
        ("resend_invitation", vec![("id", &a_invitation)]),
        ("revoke_invitation", vec![("id", &a_invitation)]),
    ];
    for (endpoint, fields) in &calls {
        let response = app
            .call(&a_host, endpoint, fields, Some(&mut replayed))
            .await;
        assert_eq!(response.status, 401, "{endpoint}: {}", response.body);
        assert!(!response.body.contains("alpha.test"), "{endpoint}");
        assert!(!response.body.contains("invitee@"), "{endpoint}");
    }
    assert!(app.mail.sent_to("planted@example.test").is_empty());
    assert!(app.mail.sent_to("invitee@example.test").is_empty());
    let csv = app.get(&a_host, "/audit.csv", Some(&mut replayed)).await;
    assert_eq!(csv.status, 401, "{}", csv.body);
    for path in ["/members", "/audit"] {
        let page = app.get(&a_host, path, Some(&mut replayed)).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.body.contains("sign-in-required"),
            "{path}: {}",
            page.body
        );
        assert!(!page.body.contains("alpha.test"), "{path}: {}", page.body);
        assert!(!page.body.contains("Alpha team"), "{path}");
    }

    // On B's own host, A's people are nobody B can change.
    for (endpoint, fields) in [
        (
            "change_member_roles",
            vec![("user_ids", a_colleague.as_str()), ("role", "viewer")],
        ),
        ("remove_members", vec![("user_ids", a_owner.as_str())]),
    ] {
        let response = app.call(&b_host, endpoint, &fields, Some(&mut b_jar)).await;
        assert_eq!(response.status, 422, "{endpoint}: {}", response.body);
    }
    let b_members = app
        .call(
            &b_host,
            "members",
            &[("search", ""), ("role", "")],
            Some(&mut b_jar),
        )
        .await;
    assert!(!b_members.body.contains("alpha.test"), "{}", b_members.body);
    let b_audit = app
        .call(
            &b_host,
            "audit_log",
            &[("actor", ""), ("action", ""), ("from", ""), ("to", "")],
            Some(&mut b_jar),
        )
        .await;
    assert!(!b_audit.body.contains("Alpha team"), "{}", b_audit.body);

    assert_eq!(
        app.role_of("alpha", "owner@alpha.test").await,
        Some(Role::Owner)
    );
    assert_eq!(
        app.role_of("alpha", "colleague@alpha.test").await,
        Some(Role::Member)
    );
    assert_eq!(app.audit_entries("alpha").await.len(), a_entries);
    assert!(app.audit_entries("bravo").await.is_empty());
}

#[tokio::test]
async fn member_and_audit_functions_stay_inside_their_tenant_on_sqlite() {
    member_and_audit_functions_stay_inside_their_tenant(Backend::Sqlite).await;
}

#[tokio::test]
async fn member_and_audit_functions_stay_inside_their_tenant_on_postgres() {
    member_and_audit_functions_stay_inside_their_tenant(Backend::Postgres).await;
}

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
    let a_entries = app.audit_entries("alpha").await.len();

    let mut b_jar = app.signed_in_owner("bravo").await;
    let b_host = app.tenant_host("bravo");
    let mut replayed = b_jar.clone();
    replayed.replay(&b_host, &a_host);
    let empty = String::new;
    let calls = [
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
