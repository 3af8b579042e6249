//! The link's life: revoked, resent and expired links end; resends are
//! limited per recipient; when the mail cannot go out, nothing changes.

use super::{accept, form_error, invite, invited, mailed_token, on_invitation, pending_on};
use crate::helpers::{app_error, spawn_app, Backend, PASSWORD};
use crate::http::CookieJar;
use app::model::Role;
use app::server::entities::control::invitations;
use app::server::rate_limit::invite_key;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[tokio::test]
async fn revoking_resending_and_expiry_each_end_a_link() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");

    // Revoked: the link stops working.
    let invitation = invited(&app, &mut owner, "r@example.test", "member").await;
    let token = mailed_token(&app, "r@example.test").await;
    let revoked = on_invitation(&app, "revoke_invitation", invitation.id, &mut owner).await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let refused = accept(&app, &token, PASSWORD, &mut CookieJar::default()).await;
    assert!(form_error(&refused).contains("expired or was withdrawn"));
    let page = app
        .get(&host, &format!("/invitation?token={token}"), None)
        .await;
    assert!(page.body.contains(r#"data-testid="invitation-expired""#));

    // Resent: a new link replaces the old one.
    let invitation = invited(&app, &mut owner, "r@example.test", "member").await;
    let first = mailed_token(&app, "r@example.test").await;
    let resent = on_invitation(&app, "resend_invitation", invitation.id, &mut owner).await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    let second = mailed_token(&app, "r@example.test").await;
    assert_ne!(first, second);
    let old = accept(&app, &first, PASSWORD, &mut CookieJar::default()).await;
    assert!(form_error(&old).contains("expired or was withdrawn"));

    // Expired: refused, listed as expired, and a resend brings it back.
    invitations::Entity::update_many()
        .col_expr(
            invitations::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(app::server::time::now_unix() - 1),
        )
        .filter(invitations::Column::Id.eq(invitation.id))
        .exec(&app.state.control)
        .await
        .unwrap();
    let late = accept(&app, &second, PASSWORD, &mut CookieJar::default()).await;
    assert!(form_error(&late).contains("expired or was withdrawn"));
    let pending = pending_on(&app, &host, &mut owner).await;
    assert!(pending[0].expired);
    // An hour later, as far as the per-recipient mail limit is concerned.
    let acme = app.tenant("acme").await.unwrap().id;
    app.state
        .limits
        .invites_per_recipient
        .clear(&invite_key(acme, "r@example.test"));
    on_invitation(&app, "resend_invitation", invitation.id, &mut owner).await;
    let third = mailed_token(&app, "r@example.test").await;
    let joined = accept(&app, &third, PASSWORD, &mut CookieJar::default()).await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    assert_eq!(
        app.role_of("acme", "r@example.test").await,
        Some(Role::Member)
    );
}

#[tokio::test]
async fn invitations_are_rate_limited_per_recipient() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");
    let invitation = invited(&app, &mut owner, "r@example.test", "member").await;
    let id = invitation.id.to_string();
    for _ in 0..2 {
        let resent = app
            .call(&host, "resend_invitation", &[("id", &id)], Some(&mut owner))
            .await;
        assert_eq!(resent.status, 200, "{}", resent.body);
    }
    let limited = app
        .call(&host, "resend_invitation", &[("id", &id)], Some(&mut owner))
        .await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert_eq!(app.mail.sent_to("r@example.test").len(), 3);
}

#[tokio::test]
async fn when_the_mail_cannot_go_out_nothing_changes() {
    // An SMTP server that is not there.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://127.0.0.1:{}", dead.local_addr().unwrap().port());
    drop(dead);
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, &["--smtp-url", &url]).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let refused = invite(&app, &mut owner, "x@example.test", "member").await;
    assert!(
        form_error(&refused).starts_with("We could not send the email just now"),
        "{}",
        refused.body
    );
    assert_eq!(
        app_error(&refused).field_value("email").as_deref(),
        Some("x@example.test"),
        "what was typed comes back"
    );
    let pending = pending_on(&app, &app.tenant_host("acme"), &mut owner).await;
    assert!(pending.is_empty(), "{pending:?}");
    assert!(app.audit_entries("acme").await.is_empty());
}

/// The owner behind `owner` gives the member `user_id` the role `role`.
async fn set_role(
    app: &crate::helpers::TestApp,
    owner: &mut CookieJar,
    user_id: &str,
    role: &str,
) -> crate::http::Response {
    let fields = [("user_ids", user_id), ("role", role)];
    let host = app.tenant_host("acme");
    app.call(&host, "change_member_roles", &fields, Some(owner))
        .await
}

#[tokio::test]
async fn a_link_dies_with_its_senders_right_to_invite() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    let admin_id = app.user_id("admin@acme.test").await.to_string();

    invited(&app, &mut admin, "friend@example.test", "admin").await;
    let token = mailed_token(&app, "friend@example.test").await;
    // The admin is made a member: a member invites nobody, so their link
    // lets nobody in any more, not even after they are made admin again.
    let demoted = set_role(&app, &mut owner, &admin_id, "member").await;
    assert_eq!(demoted.status, 200, "{}", demoted.body);
    let page = app
        .get(&host, &format!("/invitation?token={token}"), None)
        .await;
    assert!(page.body.contains(r#"data-testid="invitation-expired""#));
    let accounts = app.count_users().await;
    let refused = accept(&app, &token, PASSWORD, &mut CookieJar::default()).await;
    assert!(form_error(&refused).contains("expired or was withdrawn"));
    assert_eq!(app.count_users().await, accounts, "no account was made");

    // The same for an inviter who is removed.
    let again = set_role(&app, &mut owner, &admin_id, "admin").await;
    assert_eq!(again.status, 200, "{}", again.body);
    invited(&app, &mut admin, "other@example.test", "member").await;
    let token = mailed_token(&app, "other@example.test").await;
    let removed = app
        .call(
            &host,
            "remove_members",
            &[("user_ids", &admin_id)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let refused = accept(&app, &token, PASSWORD, &mut CookieJar::default()).await;
    assert!(form_error(&refused).contains("expired or was withdrawn"));
}
