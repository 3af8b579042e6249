//! Invitations: sent by email over SMTP; the link (single-use, 7 days,
//! revocable, resendable) creates an account or adds the organization to an
//! existing one; only confirmed addresses invite; only owners invite owners.

use crate::helpers::{app_error, spawn_app, Backend, TestApp, PASSWORD};
use crate::http::{CookieJar, Response};
use app::model::{
    invitations::{Invitation, InvitationOffer},
    Role,
};
use app::server::entities::control::invitations;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn invite(app: &TestApp, jar: &mut CookieJar, email: &str, role: &str) -> Response {
    app.call(
        &app.tenant_host("acme"),
        "invite_member",
        &[("email", email), ("role", role)],
        Some(jar),
    )
    .await
}

/// Invites `email` with `role`, which must succeed.
async fn invited(app: &TestApp, jar: &mut CookieJar, email: &str, role: &str) -> Invitation {
    let response = invite(app, jar, email, role).await;
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str(&response.body).unwrap()
}

/// Revokes or resends invitation `id` on acme's host.
async fn on_invitation(app: &TestApp, endpoint: &str, id: i64, jar: &mut CookieJar) -> Response {
    let id = id.to_string();
    app.call(
        &app.tenant_host("acme"),
        endpoint,
        &[("id", &id)],
        Some(jar),
    )
    .await
}

/// The token of the newest invitation mailed to `email`.
async fn mailed_token(app: &TestApp, email: &str) -> String {
    let mail = app.mail.last_to(email).await;
    let link = mail.link("/invitation").expect("an invitation link");
    assert!(
        link.starts_with(&format!(
            "http://{}/invitation?token=",
            app.tenant_host("acme")
        )),
        "{link}"
    );
    link.split("token=").nth(1).unwrap().to_owned()
}

async fn accept(app: &TestApp, token: &str, password: &str, jar: &mut CookieJar) -> Response {
    app.call(
        &app.tenant_host("acme"),
        "accept_invitation",
        &[("token", token), ("password", password)],
        Some(jar),
    )
    .await
}

fn form_error(response: &Response) -> String {
    assert_eq!(response.status, 422, "{}", response.body);
    app_error(response).field_error("form").unwrap_or_default()
}

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

    let pending = app.call(&host, "invitations", &[], Some(&mut owner)).await;
    let pending: Vec<Invitation> = serde_json::from_str(&pending.body).unwrap();
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
    let home = app
        .call(&host, "tenant_home", &[], Some(&mut newcomer))
        .await;
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
    let pending = app.call(&host, "invitations", &[], Some(&mut owner)).await;
    assert_eq!(pending.body, "[]");

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
    let pending: Vec<Invitation> = serde_json::from_str(
        &app.call(&host, "invitations", &[], Some(&mut owner))
            .await
            .body,
    )
    .unwrap();
    assert!(pending[0].expired);
    // An hour later, as far as the per-recipient mail limit is concerned.
    app.state.limits.mail_per_account.clear("r@example.test");
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
    let listed = app
        .call(&beta_host, "invitations", &[], Some(&mut beta))
        .await;
    assert_eq!(listed.body, "[]");
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
    let pending: Vec<Invitation> = serde_json::from_str(
        &app.call(&host, "invitations", &[], Some(&mut owner))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(pending.len(), 1, "still pending");
    let revoked = app
        .call(&host, "revoke_invitation", &[("id", &id)], Some(&mut owner))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
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
    let pending = app
        .call(
            &app.tenant_host("acme"),
            "invitations",
            &[],
            Some(&mut owner),
        )
        .await;
    assert_eq!(pending.body, "[]");
    assert!(app.audit_entries("acme").await.is_empty());
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
    let pending: Vec<Invitation> = serde_json::from_str(
        &app.call(
            &app.tenant_host("acme"),
            "invitations",
            &[],
            Some(&mut owner),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(pending.len(), 1, "{} / {}", a.body, b.body);
    assert!(
        statuses.contains(&422),
        "one is refused: {} / {}",
        a.body,
        b.body
    );
}
