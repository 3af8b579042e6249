//! The members page: listing with search and role filter, role changes and
//! removal (one or in bulk), the rules that only owners touch owners and
//! that the last owner stays, leaving, and the audit entries they write.

use crate::helpers::{app_error, spawn_app, Backend, TestApp, PASSWORD};
use crate::http::{CookieJar, Response};
use app::model::{members::MemberList, Role};

fn members_of(response: &Response) -> MemberList {
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str(&response.body).expect("a member list")
}

async fn list(app: &TestApp, jar: &mut CookieJar, search: &str, role: &str) -> MemberList {
    let response = app
        .call(
            &app.tenant_host("acme"),
            "members",
            &[("search", search), ("role", role)],
            Some(jar),
        )
        .await;
    members_of(&response)
}

async fn change_roles(app: &TestApp, jar: &mut CookieJar, user_ids: &str, role: &str) -> Response {
    let fields = [("user_ids", user_ids), ("role", role)];
    app.call(
        &app.tenant_host("acme"),
        "change_member_roles",
        &fields,
        Some(jar),
    )
    .await
}

async fn remove(app: &TestApp, jar: &mut CookieJar, user_ids: &str) -> Response {
    let fields = [("user_ids", user_ids)];
    app.call(
        &app.tenant_host("acme"),
        "remove_members",
        &fields,
        Some(jar),
    )
    .await
}

/// The form error of a refused change.
fn form_error(response: &Response) -> String {
    assert_eq!(response.status, 422, "{}", response.body);
    app_error(response)
        .field_error("form")
        .unwrap_or_else(|| panic!("no form error: {}", response.body))
}

#[tokio::test]
async fn members_are_listed_searched_and_filtered_by_role_for_every_member() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.add_member("acme", "alice@acme.test", Role::Admin).await;
    app.add_member("acme", "bob@acme.test", Role::Member).await;
    let mut viewer = app.signed_in_as("acme", Role::Viewer).await;

    let all = list(&app, &mut owner, "", "").await;
    assert_eq!(all.total, 4);
    let emails: Vec<&str> = all.members.iter().map(|m| m.email.as_str()).collect();
    // Most powerful first.
    assert_eq!(
        emails,
        [
            "owner@acme.test",
            "alice@acme.test",
            "bob@acme.test",
            "viewer@acme.test"
        ]
    );
    assert!(all.members[0].you && !all.members[1].you);

    let found = list(&app, &mut owner, "ALI", "").await;
    assert_eq!(found.members.len(), 1, "{found:?}");
    assert_eq!(found.members[0].email, "alice@acme.test");
    assert_eq!(found.total, 4);
    let admins = list(&app, &mut owner, "", "admin").await;
    assert_eq!(admins.members.len(), 1);
    assert_eq!(admins.members[0].role, Role::Admin);

    // Viewers see who is in their organization, and no way to change it.
    let seen = list(&app, &mut viewer, "", "").await;
    assert_eq!(seen.members.len(), 4);
    assert_eq!(seen.your_role, Role::Viewer);
    let page = app
        .get(&app.tenant_host("acme"), "/members", Some(&mut viewer))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("bob@acme.test"), "{}", page.body);
    assert!(!page.body.contains(r#"data-testid="bulk-remove""#));
}

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
async fn only_owners_make_owners_or_change_and_remove_them() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    app.add_member("acme", "bob@acme.test", Role::Member).await;
    let bob = app.user_id("bob@acme.test").await.to_string();
    let owner_id = app.user_id("owner@acme.test").await.to_string();

    let promote = change_roles(&app, &mut admin, &bob, "owner").await;
    assert_eq!(
        form_error(&promote),
        "Only owners can make someone an owner."
    );
    let demote = change_roles(&app, &mut admin, &owner_id, "viewer").await;
    assert!(
        form_error(&demote).starts_with("Only owners can change or remove an owner"),
        "{}",
        demote.body
    );
    let removal = remove(&app, &mut admin, &owner_id).await;
    assert!(form_error(&removal).starts_with("Only owners can change or remove an owner"));
    assert_eq!(
        app.role_of("acme", "bob@acme.test").await,
        Some(Role::Member)
    );
    assert_eq!(
        app.role_of("acme", "owner@acme.test").await,
        Some(Role::Owner)
    );
    assert!(app.audit_entries("acme").await.is_empty());

    let promoted = change_roles(&app, &mut owner, &bob, "owner").await;
    assert_eq!(promoted.status, 200, "{}", promoted.body);
    assert_eq!(
        app.role_of("acme", "bob@acme.test").await,
        Some(Role::Owner)
    );
}

#[tokio::test]
async fn the_last_owner_cannot_be_demoted_removed_or_leave() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let me = app.user_id("owner@acme.test").await.to_string();

    let demote = change_roles(&app, &mut owner, &me, "admin").await;
    assert_eq!(
        form_error(&demote),
        "You are the last owner. Make someone else an owner first."
    );
    let removal = remove(&app, &mut owner, &me).await;
    assert!(form_error(&removal).contains("last owner"));
    let leave = app
        .call(&host, "leave_organization", &[], Some(&mut owner))
        .await;
    assert!(form_error(&leave).contains("last owner"));
    assert_eq!(
        app.role_of("acme", "owner@acme.test").await,
        Some(Role::Owner)
    );
    assert!(
        app.audit_entries("acme").await.is_empty(),
        "a refused change leaves no entry"
    );

    // With a second owner, the first may step down.
    app.add_member("acme", "second@acme.test", Role::Owner)
        .await;
    let demote = change_roles(&app, &mut owner, &me, "admin").await;
    assert_eq!(demote.status, 200, "{}", demote.body);
    assert_eq!(
        app.role_of("acme", "owner@acme.test").await,
        Some(Role::Admin)
    );
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

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_an_owner() {
    let app = spawn_app(Backend::Postgres).await;
    let mut first = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    app.add_member("acme", "second@acme.test", Role::Owner)
        .await;
    let mut second = CookieJar::default();
    let logged_in = app
        .log_in(&host, "second@acme.test", PASSWORD, &mut second)
        .await;
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);
    let first_id = app.user_id("owner@acme.test").await.to_string();
    let second_id = app.user_id("second@acme.test").await.to_string();

    for _ in 0..5 {
        let demote_second = [("user_ids", second_id.as_str()), ("role", "admin")];
        let demote_first = [("user_ids", first_id.as_str()), ("role", "admin")];
        let (a, b) = tokio::join!(
            app.call(
                &host,
                "change_member_roles",
                &demote_second,
                Some(&mut first)
            ),
            app.call(
                &host,
                "change_member_roles",
                &demote_first,
                Some(&mut second)
            ),
        );
        let owners = [
            app.role_of("acme", "owner@acme.test").await,
            app.role_of("acme", "second@acme.test").await,
        ]
        .iter()
        .filter(|r| **r == Some(Role::Owner))
        .count();
        assert_eq!(owners, 1, "{} / {}", a.body, b.body);
        assert!(
            (a.status == 200) != (b.status == 200),
            "exactly one wins: {} {} / {} {}",
            a.status,
            a.body,
            b.status,
            b.body
        );
        // Back to two owners for the next round.
        let (winner, loser) = if a.status == 200 {
            (&mut first, &second_id)
        } else {
            (&mut second, &first_id)
        };
        let restored = change_roles(&app, winner, loser, "owner").await;
        assert_eq!(restored.status, 200, "{}", restored.body);
    }
}

#[tokio::test]
async fn the_members_page_confirms_before_it_changes_anything_without_javascript() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    app.add_member("acme", "bob@acme.test", Role::Member).await;
    let bob = app.user_id("bob@acme.test").await;

    let page = app.get(&host, "/members", Some(&mut owner)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"data-testid="member-bob@acme.test""#));
    assert!(page
        .body
        .contains(&format!("/members?confirm=remove&amp;selected={bob}")));

    // The confirmation step names who is affected and changes nothing yet.
    let confirm = app
        .get(
            &host,
            &format!("/members?confirm=remove&selected={bob}"),
            Some(&mut owner),
        )
        .await;
    assert!(
        confirm.body.contains(r#"data-testid="confirm""#),
        "{}",
        confirm.body
    );
    assert!(
        confirm.body.contains("Remove 1 member(s)?"),
        "{}",
        confirm.body
    );
    assert_eq!(
        app.role_of("acme", "bob@acme.test").await,
        Some(Role::Member)
    );

    // Confirming posts the form; without JavaScript the answer is a redirect
    // to the list with what was done.
    let posted = app
        .post_form(
            &host,
            "remove_members",
            &[("user_ids", &bob.to_string())],
            Some(&mut owner),
        )
        .await;
    assert!(
        (300..400).contains(&posted.status),
        "{} {}",
        posted.status,
        posted.body
    );
    assert_eq!(
        posted.header("location"),
        Some("/members?done=removed&count=1")
    );
    assert_eq!(app.role_of("acme", "bob@acme.test").await, None);
    let done = app
        .get(&host, "/members?done=removed&count=1", Some(&mut owner))
        .await;
    assert!(done.body.contains("Removed 1 member(s)."), "{}", done.body);
    assert!(!done.body.contains("bob@acme.test"));
}
