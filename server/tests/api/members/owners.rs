//! Owners: only owners touch owners, and the last owner stays, even when
//! two owners demote each other at once.

use super::{change_roles, form_error, remove};
use crate::helpers::{spawn_app, Backend, PASSWORD};
use crate::http::CookieJar;
use app::model::Role;

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
