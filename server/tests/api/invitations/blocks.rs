//! Someone invited who wants no more invitations from an organization: the
//! one-click link in every invitation blocks the address there, withdraws
//! its pending invitation and no admin can invite it again; other
//! organizations still can.

use crate::helpers::{spawn_app, Backend, PASSWORD};
use crate::http::CookieJar;
use crate::notifications::{path_of, post_raw};

#[tokio::test]
async fn an_invited_address_stops_the_organizations_invitations_in_one_click() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");
    let invite = |jar: &mut CookieJar| {
        let host = host.clone();
        let mut jar = jar.clone();
        let app = &app;
        async move {
            app.call(
                &host,
                "invite_member",
                &[("email", "wary@example.test"), ("role", "member")],
                Some(&mut jar),
            )
            .await
        }
    };
    let invited = invite(&mut owner).await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    let mail = app.mail.last_to("wary@example.test").await;
    let link = mail
        .link("/unsubscribe/invitations")
        .expect("a link to stop invitations");
    assert_eq!(mail.list_unsubscribe, Some(format!("<{link}>")));
    assert_eq!(
        mail.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let path = path_of(&link, &host);

    // Opening it asks; nothing changes.
    let page = app.get(&host, &path, None).await;
    assert!(
        page.body.contains("Stop invitations from Org acme to"),
        "{}",
        page.body
    );
    let pending = app.call(&host, "invitations", &[], Some(&mut owner)).await;
    assert!(
        pending.body.contains("wary@example.test"),
        "{}",
        pending.body
    );

    // Not on another organization's host.
    app.sign_up("bravo").await;
    let refused = post_raw(
        &app,
        &app.tenant_host("bravo"),
        &path,
        "List-Unsubscribe=One-Click",
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.body);

    // One click: the pending invitation is withdrawn, the address blocked.
    let done = post_raw(&app, &host, &path, "List-Unsubscribe=One-Click").await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body
            .contains("will not invite wary@example.test again"),
        "{}",
        done.body
    );
    let entry = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(
        (
            entry.action.as_str(),
            entry.actor_email.as_str(),
            entry.actor_id
        ),
        ("invitation.block", "wary@example.test", None)
    );
    let pending = app.call(&host, "invitations", &[], Some(&mut owner)).await;
    assert!(
        !pending.body.contains("wary@example.test"),
        "{}",
        pending.body
    );
    let again = invite(&mut owner).await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(
        again
            .body
            .contains("wary@example.test asked not to get invitations from Org acme"),
        "{}",
        again.body
    );
    // Twice is once.
    let twice = post_raw(&app, &host, &path, "List-Unsubscribe=One-Click").await;
    assert_eq!(twice.status, 200, "{}", twice.body);
    assert_eq!(app.audit_entries("acme").await.pop().unwrap().id, entry.id);

    // Another organization may still invite the address.
    let mut bravo = CookieJar::default();
    let logged_in = app
        .log_in(
            &app.tenant_host("bravo"),
            "owner@bravo.test",
            PASSWORD,
            &mut bravo,
        )
        .await;
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);
    app.mark_verified("owner@bravo.test").await;
    let elsewhere = app
        .call(
            &app.tenant_host("bravo"),
            "invite_member",
            &[("email", "wary@example.test"), ("role", "member")],
            Some(&mut bravo),
        )
        .await;
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.body);
}
