//! Joining by the link: a new person makes an account, an existing user
//! gives their own password; the link is stored as a digest and used once.

use super::{accept, form_error, invite, mailed_token, pending_on};
use crate::helpers::{app_error, spawn_app, Backend, PASSWORD};
use crate::http::CookieJar;
use app::model::invitations::{Invitation, InvitationOffer};
use app::model::Role;
use app::server::entities::control::invitations;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn a_new_person_is_invited_and_joins(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");

    let invited = invite(&app, &mut owner, " New@Example.test ", "member").await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    let invitation: Invitation = serde_json::from_str(&invited.body).unwrap();
    assert_eq!(invitation.email, "new@example.test");
    let mail = app.mail.last_to("new@example.test").await;
    assert_eq!(
        mail.subject,
        "owner@acme.test invited you to Org acme on Tenantry"
    );
    let token = mailed_token(&app, "new@example.test").await;
    // Stored only as a digest.
    let row = invitations::Entity::find()
        .filter(invitations::Column::Email.eq("new@example.test"))
        .one(&app.state.control)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.token_hash,
        app::server::identity::tokens::digest(&token)
    );

    let pending = pending_on(&app, &host, &mut owner).await;
    assert_eq!(pending.len(), 1);
    assert!(!pending[0].expired);

    let mut newcomer = CookieJar::default();
    let offer = app
        .call(
            &host,
            "invitation",
            &[("token", &token)],
            Some(&mut newcomer),
        )
        .await;
    assert_eq!(offer.status, 200, "{}", offer.body);
    let offer: InvitationOffer = serde_json::from_str(&offer.body).unwrap();
    assert_eq!(offer.org_name, "Org acme");
    assert_eq!(offer.role, Role::Member);
    assert!(!offer.account_exists);
    let page = app
        .get(
            &host,
            &format!("/invitation?token={token}"),
            Some(&mut newcomer),
        )
        .await;
    assert!(page.body.contains("Choose a password"), "{}", page.body);

    let short = accept(&app, &token, "short", &mut newcomer).await;
    assert_eq!(short.status, 422);
    assert!(app_error(&short).field_error("password").is_some());
    let joined = accept(&app, &token, PASSWORD, &mut newcomer).await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    assert_eq!(joined.header("location"), Some("/"));
    // Signed in on the organization's host, as a member.
    let home = app.call(&host, "org_shell", &[], Some(&mut newcomer)).await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains(r#""role":"member""#), "{}", home.body);
    assert!(
        home.body.contains(r#""email_verified":true"#),
        "the link proved the address"
    );
    assert_eq!(
        app.role_of("acme", "new@example.test").await,
        Some(Role::Member)
    );

    // Used: the link works no more, and the invitation is no longer pending.
    let again = accept(&app, &token, PASSWORD, &mut CookieJar::default()).await;
    assert!(form_error(&again).contains("expired or was withdrawn"));
    let pending = pending_on(&app, &host, &mut owner).await;
    assert!(pending.is_empty(), "{pending:?}");

    let actions: Vec<String> = app
        .audit_entries("acme")
        .await
        .into_iter()
        .map(|e| format!("{} {} {}", e.actor_email, e.action, e.target))
        .collect();
    assert_eq!(
        actions,
        [
            "owner@acme.test invitation.create invitation new@example.test",
            "new@example.test member.join member new@example.test"
        ]
    );
}

#[tokio::test]
async fn a_new_person_is_invited_and_joins_on_sqlite() {
    a_new_person_is_invited_and_joins(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_new_person_is_invited_and_joins_on_postgres() {
    a_new_person_is_invited_and_joins(Backend::Postgres).await;
}

#[tokio::test]
async fn an_existing_user_joins_with_their_own_password() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    app.sign_up("beta").await;
    let invited = invite(&app, &mut owner, "owner@beta.test", "viewer").await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    let token = mailed_token(&app, "owner@beta.test").await;

    let mut jar = CookieJar::default();
    let offer = app
        .call(
            &app.tenant_host("acme"),
            "invitation",
            &[("token", &token)],
            Some(&mut jar),
        )
        .await;
    let offer: InvitationOffer = serde_json::from_str(&offer.body).unwrap();
    assert!(offer.account_exists);
    let wrong = accept(&app, &token, "not the password", &mut jar).await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        app_error(&wrong).field_error("password").as_deref(),
        Some("This is not the password of owner@beta.test.")
    );
    let joined = accept(&app, &token, PASSWORD, &mut jar).await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    assert_eq!(
        app.role_of("acme", "owner@beta.test").await,
        Some(Role::Viewer)
    );
    assert_eq!(
        app.role_of("beta", "owner@beta.test").await,
        Some(Role::Owner)
    );
}
