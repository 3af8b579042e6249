//! Invitations: sent by email over SMTP; the link (single-use, 7 days,
//! revocable, resendable) creates an account or adds the organization to an
//! existing one; only confirmed addresses invite; only owners invite owners.

mod blocks;
mod bulk;
mod import;
mod joining;
mod links;
mod rules;

use crate::helpers::{app_error, TestApp};
use crate::http::{CookieJar, Response};
use app::model::invitations::{Invitation, PendingInvitations};

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

/// The first page of pending invitations on `host`, as `jar` sees it.
async fn pending_on(app: &TestApp, host: &str, jar: &mut CookieJar) -> Vec<Invitation> {
    let listed = app.call(host, "invitations", &[], Some(jar)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    serde_json::from_str::<PendingInvitations>(&listed.body)
        .unwrap()
        .invitations
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
