//! Who may invite whom: confirmed addresses only, owners for owners, each
//! organization its own invitations, and one invitation per address.

use super::{accept, form_error, invite, invited, mailed_token, pending_on};
use crate::helpers::{app_error, spawn_app, Backend, PASSWORD};
use crate::http::CookieJar;
use app::model::invitations::{BulkOutcome, RowOutcome};
use app::model::Role;

#[tokio::test]
async fn only_confirmed_addresses_invite_and_only_owners_invite_owners() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;

    let unverified = invite(&app, &mut owner, "a@example.test", "member").await;
    assert!(form_error(&unverified).starts_with("Confirm your email address first"));
    assert!(app.mail.sent_to("a@example.test").is_empty());
    let page = app
        .get(&app.tenant_host("acme"), "/", Some(&mut owner))
        .await;
    assert!(page
        .body
        .contains("Until then you cannot invite colleagues."));

    app.mark_verified("owner@acme.test").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    let owner_invite = invite(&app, &mut admin, "boss@example.test", "owner").await;
    assert_eq!(owner_invite.status, 422);
    assert_eq!(
        app_error(&owner_invite).field_error("role").as_deref(),
        Some("Only owners can invite owners.")
    );
    let by_owner = invite(&app, &mut owner, "boss@example.test", "owner").await;
    assert_eq!(by_owner.status, 200, "{}", by_owner.body);

    // A member already, or invited already: said next to the email.
    let member = invite(&app, &mut owner, "admin@acme.test", "member").await;
    assert_eq!(
        app_error(&member).field_error("email").as_deref(),
        Some("admin@acme.test is already a member.")
    );
    let twice = invite(&app, &mut owner, "boss@example.test", "member").await;
    assert!(app_error(&twice)
        .field_error("email")
        .unwrap()
        .contains("invited already"));
    let bad = invite(&app, &mut owner, "not an email", "member").await;
    assert_eq!(
        app_error(&bad).field_value("email").as_deref(),
        Some("not an email")
    );
}

#[tokio::test]
async fn invitations_stay_inside_their_organization() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut acme = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let mut beta = app.signed_in_owner("beta").await;
    app.mark_verified("owner@beta.test").await;

    let invitation = invited(&app, &mut acme, "x@example.test", "admin").await;
    let token = mailed_token(&app, "x@example.test").await;

    // Beta's owner cannot see, resend or revoke acme's invitation by id.
    let beta_host = app.tenant_host("beta");
    for endpoint in ["revoke_invitation", "resend_invitation"] {
        let response = app
            .call(
                &beta_host,
                endpoint,
                &[("id", &invitation.id.to_string())],
                Some(&mut beta),
            )
            .await;
        assert_eq!(response.status, 422, "{endpoint}: {}", response.body);
    }
    // In bulk too: named, and left alone, as not beta's.
    for action in ["resend", "revoke"] {
        let response = app
            .call(
                &beta_host,
                "bulk_invitations",
                &[("ids", &invitation.id.to_string()), ("action", action)],
                Some(&mut beta),
            )
            .await;
        assert_eq!(response.status, 200, "{action}: {}", response.body);
        let outcome: BulkOutcome = serde_json::from_str(&response.body).unwrap();
        assert_eq!(outcome.rows[0].outcome, RowOutcome::NotPending, "{action}");
        assert_eq!(outcome.rows[0].email, "", "{action}: nothing of acme's");
    }
    let listed = pending_on(&app, &beta_host, &mut beta).await;
    assert!(listed.is_empty(), "{listed:?}");
    // Acme's link does nothing on beta's host.
    let offer = app
        .call(&beta_host, "invitation", &[("token", &token)], None)
        .await;
    assert_eq!(offer.status, 422, "{}", offer.body);
    let joined = app
        .call(
            &beta_host,
            "accept_invitation",
            &[("token", &token), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(joined.status, 422, "{}", joined.body);
    assert_eq!(app.count_users().await, 2, "no account was made");
    assert!(app.audit_entries("beta").await.is_empty());
    // Still good on acme's.
    let joined = accept(&app, &token, PASSWORD, &mut CookieJar::default()).await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    assert_eq!(
        app.role_of("acme", "x@example.test").await,
        Some(Role::Admin)
    );
    assert_eq!(app.role_of("beta", "x@example.test").await, None);
}

#[tokio::test]
async fn only_owners_withdraw_an_owners_invitation() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    let invitation = invited(&app, &mut owner, "boss@example.test", "owner").await;
    let id = invitation.id.to_string();
    let host = app.tenant_host("acme");
    for endpoint in ["revoke_invitation", "resend_invitation"] {
        let refused = app
            .call(&host, endpoint, &[("id", &id)], Some(&mut admin))
            .await;
        assert!(
            form_error(&refused).starts_with("Only owners"),
            "{endpoint}"
        );
    }
    let pending = pending_on(&app, &host, &mut owner).await;
    assert_eq!(pending.len(), 1, "still pending");
    let revoked = app
        .call(&host, "revoke_invitation", &[("id", &id)], Some(&mut owner))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
}

#[tokio::test]
async fn two_invitations_of_one_address_at_once_make_one() {
    let app = spawn_app(Backend::Postgres).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    let (a, b) = tokio::join!(
        invite(&app, &mut owner, "same@example.test", "member"),
        invite(&app, &mut admin, "same@example.test", "viewer"),
    );
    let statuses = [a.status, b.status];
    assert!(statuses.contains(&200), "{} / {}", a.body, b.body);
    let pending = pending_on(&app, &app.tenant_host("acme"), &mut owner).await;
    assert_eq!(pending.len(), 1, "{} / {}", a.body, b.body);
    assert!(
        statuses.contains(&422),
        "one is refused: {} / {}",
        a.body,
        b.body
    );
}

#[tokio::test]
async fn an_invitation_posted_without_javascript_is_confirmed_on_the_members_page() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");

    let posted = app
        .post_form_from(
            &host,
            "/members",
            "invite_member",
            &[("email", "new@example.test"), ("role", "member")],
            Some(&mut owner),
        )
        .await;
    assert!((300..400).contains(&posted.status), "{}", posted.body);
    let back = posted.header("location").unwrap().to_owned();
    assert!(back.starts_with("/members?invited="), "{back}");
    let page = app.get(&host, &back, Some(&mut owner)).await;
    assert!(
        page.body.contains("Invited new@example.test."),
        "{}",
        page.body
    );

    // An id that names no pending invitation says nothing.
    let made_up = app
        .get(&host, "/members?invited=999999", Some(&mut owner))
        .await;
    assert_eq!(made_up.status, 200);
    assert!(!made_up.body.contains("Invited "), "{}", made_up.body);
}
