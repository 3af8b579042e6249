//! Role changes, removals and leaving take effect at once; bulk changes
//! are all or nothing.

use super::{change_roles, form_error, list, remove};
use crate::helpers::{spawn_app, Backend};
use app::model::Role;

async fn role_changes_and_removals_take_effect_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let mut member = app.signed_in_as("acme", Role::Member).await;
    let member_id = app.user_id("member@acme.test").await;

    let changed = app
        .call(
            &host,
            "change_member_roles",
            &[("user_ids", &member_id.to_string()), ("role", "viewer")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body, "1");
    assert_eq!(
        app.role_of("acme", "member@acme.test").await,
        Some(Role::Viewer)
    );
    // Their open session has the new role on its next request.
    let add = app
        .call(&host, "add_team", &[("name", "X")], Some(&mut member))
        .await;
    assert_eq!(add.status, 403, "{}", add.body);

    let removed = app
        .call(
            &host,
            "remove_members",
            &[("user_ids", &member_id.to_string())],
            Some(&mut owner),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(app.role_of("acme", "member@acme.test").await, None);
    let home = app.call(&host, "tenant_home", &[], Some(&mut member)).await;
    assert_eq!(home.status, 401, "{}", home.body);

    let entries = app.audit_entries("acme").await;
    let summary: Vec<(&str, &str, Option<&str>, Option<&str>)> = entries
        .iter()
        .map(|e| {
            (
                e.action.as_str(),
                e.target.as_str(),
                e.before.as_deref(),
                e.after.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "member.role_change",
                "member member@acme.test",
                Some("Member"),
                Some("Viewer")
            ),
            (
                "member.remove",
                "member member@acme.test",
                Some("Viewer"),
                None
            ),
        ]
    );
    assert!(entries
        .iter()
        .all(|e| e.actor_email == "owner@acme.test" && e.ip.as_deref() == Some("127.0.0.1")));
}

#[tokio::test]
async fn role_changes_and_removals_take_effect_at_once_on_sqlite() {
    role_changes_and_removals_take_effect_at_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn role_changes_and_removals_take_effect_at_once_on_postgres() {
    role_changes_and_removals_take_effect_at_once(Backend::Postgres).await;
}

#[tokio::test]
async fn every_role_may_leave_and_loses_access_at_once() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let host = app.tenant_host("acme");
    for role in [Role::Admin, Role::Member, Role::Viewer] {
        let mut jar = app.signed_in_as("acme", role).await;
        let email = format!("{}@acme.test", role.as_str());
        let leave = app
            .call(&host, "leave_organization", &[], Some(&mut jar))
            .await;
        assert_eq!(leave.status, 200, "{role:?}: {}", leave.body);
        assert!(
            leave
                .header("location")
                .is_some_and(|l| l.ends_with(&format!("{}/login", app.apex()))),
            "{role:?} lands on the apex: {:?}",
            leave.header("location")
        );
        assert_eq!(app.role_of("acme", &email).await, None, "{role:?}");
        let home = app.call(&host, "tenant_home", &[], Some(&mut jar)).await;
        assert_eq!(home.status, 401, "{role:?}");
    }
    let actions: Vec<String> = app
        .audit_entries("acme")
        .await
        .into_iter()
        .map(|e| format!("{} {}", e.actor_email, e.action))
        .collect();
    assert_eq!(
        actions,
        [
            "admin@acme.test member.remove",
            "member@acme.test member.remove",
            "viewer@acme.test member.remove"
        ]
    );
}

#[tokio::test]
async fn bulk_changes_are_all_or_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    let mut ids = Vec::new();
    for name in ["ann", "ben", "cat"] {
        let email = format!("{name}@acme.test");
        app.add_member("acme", &email, Role::Member).await;
        ids.push(app.user_id(&email).await.to_string());
    }
    let three = ids.join(",");

    let changed = change_roles(&app, &mut admin, &three, "viewer").await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body, "3");
    for name in ["ann", "ben", "cat"] {
        assert_eq!(
            app.role_of("acme", &format!("{name}@acme.test")).await,
            Some(Role::Viewer)
        );
    }

    // One member the admin may not touch (the owner) refuses the whole batch.
    let owner_id = app.user_id("owner@acme.test").await;
    let with_owner = format!("{three},{owner_id}");
    let removed = remove(&app, &mut admin, &with_owner).await;
    assert!(form_error(&removed).contains("owner@acme.test"));
    let still = list(&app, &mut owner, "", "").await;
    assert_eq!(still.total, 5, "nobody was removed");
    assert_eq!(app.audit_entries("acme").await.len(), 3);

    let removed = remove(&app, &mut admin, &three).await;
    assert_eq!(removed.body, "3", "{}", removed.body);
    assert_eq!(list(&app, &mut owner, "", "").await.total, 2);

    for bad in ["", "1,x", "-"] {
        let response = remove(&app, &mut admin, bad).await;
        assert_eq!(response.status, 422, "{bad:?}: {}", response.body);
    }
}
