//! Notifications by email: a member told of a change to their role or of
//! their removal, an inviter told that their invitee joined, each as the
//! member's own choice or the organization's default says, each with a
//! one-click unsubscribe link (RFC 8058) that works without signing in and
//! only on its organization's host.

use crate::helpers::{spawn_app, Backend, TestApp, PASSWORD};
use crate::http::{self, CookieJar, Request, Response};
use app::model::Role;

const MEMBER: &str = "member@acme.test";

async fn set_role(app: &TestApp, owner: &mut CookieJar, email: &str, role: &str) {
    let id = app.user_id(email).await.to_string();
    let changed = app
        .call(
            &app.tenant_host("acme"),
            "change_member_roles",
            &[("user_ids", &id), ("role", role)],
            Some(owner),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
}

/// A POST to `path` on `host` with a form body, as a mail program's
/// one-click unsubscribe sends it: no cookie, no browser headers.
pub(crate) async fn post_raw(app: &TestApp, host: &str, path: &str, body: &str) -> Response {
    http::send(
        app.port,
        Request {
            method: "POST",
            host,
            path,
            headers: vec![(
                "Content-Type",
                "application/x-www-form-urlencoded".to_owned(),
            )],
            body: body.as_bytes().to_vec(),
        },
        None,
    )
    .await
}

/// The path and query of an absolute `url` on `host`.
pub(crate) fn path_of(url: &str, host: &str) -> String {
    url.strip_prefix(&format!("http://{host}"))
        .unwrap_or_else(|| panic!("{url} is not on {host}"))
        .to_owned()
}

async fn choose(app: &TestApp, jar: &mut CookieJar, membership: &str, invitations: &str) {
    choose_all(app, jar, membership, invitations, "default").await;
}

async fn choose_all(
    app: &TestApp,
    jar: &mut CookieJar,
    membership: &str,
    invitations: &str,
    digest: &str,
) {
    let saved = app
        .call(
            &app.tenant_host("acme"),
            "update_notifications",
            &[
                ("membership_changes", membership),
                ("invitations_accepted", invitations),
                ("weekly_digest", digest),
            ],
            Some(jar),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

async fn members_are_told_of_changes_as_they_choose_and_unsubscribe_in_one_click(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut member = app.signed_in_as("acme", Role::Member).await;
    let host = app.tenant_host("acme");

    set_role(&app, &mut owner, MEMBER, "viewer").await;
    let told = app
        .mail
        .last_about(MEMBER, "Your role in Org acme is now Viewer")
        .await;
    assert!(
        told.body
            .contains("owner@acme.test made you viewer in Org acme"),
        "{}",
        told.body
    );
    assert!(told.html.is_some());
    let link = told.link("/unsubscribe").expect("an unsubscribe link");
    assert!(link.contains("kind=membership_changes"), "{link}");
    assert_eq!(told.list_unsubscribe, Some(format!("<{link}>")));
    assert_eq!(
        told.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    // The one who made the change is not told of it.
    assert!(app
        .mail
        .sent_to("owner@acme.test")
        .iter()
        .all(|m| !m.subject.contains("role")));

    // Opening the link (or a scanner fetching it) changes nothing.
    let entries = app.audit_entries("acme").await.len();
    let page = app.get(&host, &path_of(&link, &host), None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Stop emails from Org acme about"),
        "{}",
        page.body
    );
    assert_eq!(app.audit_entries("acme").await.len(), entries);

    // The link of acme means nothing on another organization's host.
    app.sign_up("bravo").await;
    let elsewhere = app.tenant_host("bravo");
    let refused = post_raw(
        &app,
        &elsewhere,
        &path_of(&link, &host),
        "List-Unsubscribe=One-Click",
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.body);

    // One click from the mail program: no session, no browser.
    let done = post_raw(
        &app,
        &host,
        &path_of(&link, &host),
        "List-Unsubscribe=One-Click",
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body.contains("You will no longer get emails"),
        "{}",
        done.body
    );
    let entry = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(entry.action, "notification.choices");
    assert_eq!(entry.actor_email, MEMBER);
    assert_eq!(entry.after.as_deref(), Some("membership_changes off"));

    // Off: neither a role change nor ... (mail is decided before it is
    // sent, so a change that mails nobody leaves the count as it was).
    set_role(&app, &mut owner, MEMBER, "admin").await;
    let page = app
        .call(&host, "notifications", &[], Some(&mut member))
        .await;
    assert!(page.body.contains(r#""choice":"Off""#), "{}", page.body);
    // On again, by the member's own page: told again.
    choose(&app, &mut member, "on", "default").await;
    set_role(&app, &mut owner, MEMBER, "member").await;
    app.mail
        .last_about(MEMBER, "Your role in Org acme is now Member")
        .await;
    let roles: Vec<_> = app
        .mail
        .sent_to(MEMBER)
        .into_iter()
        .filter(|m| m.subject.starts_with("Your role"))
        .collect();
    assert_eq!(
        roles.len(),
        2,
        "{:?}",
        roles.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );

    // Removed: told too, with a way to their other organizations.
    let id = app.user_id(MEMBER).await.to_string();
    let removed = app
        .call(
            &host,
            "remove_members",
            &[("user_ids", &id)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let told = app
        .mail
        .last_about(MEMBER, "You were removed from Org acme")
        .await;
    assert!(told.body.contains("/organizations"), "{}", told.body);
}

#[tokio::test]
async fn members_are_told_of_changes_as_they_choose_and_unsubscribe_in_one_click_on_sqlite() {
    members_are_told_of_changes_as_they_choose_and_unsubscribe_in_one_click(Backend::Sqlite).await;
}

#[tokio::test]
async fn members_are_told_of_changes_as_they_choose_and_unsubscribe_in_one_click_on_postgres() {
    members_are_told_of_changes_as_they_choose_and_unsubscribe_in_one_click(Backend::Postgres)
        .await;
}

#[tokio::test]
async fn the_organization_default_holds_for_members_without_a_choice_of_their_own() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut member = app.signed_in_as("acme", Role::Member).await;
    app.add_member("acme", "other@acme.test", Role::Member)
        .await;
    let host = app.tenant_host("acme");

    // The page, rendered whole without JavaScript: the defaults for admins.
    let page = app.get(&host, "/notifications", Some(&mut member)).await;
    assert!(page.body.contains("my-notifications-form"), "{}", page.body);
    assert!(
        !page.body.contains("notification-defaults-form"),
        "{}",
        page.body
    );
    let page = app.get(&host, "/notifications", Some(&mut owner)).await;
    assert!(
        page.body.contains("notification-defaults-form"),
        "{}",
        page.body
    );

    // Admins only set the defaults.
    let refused = app
        .call(
            &host,
            "update_notification_defaults",
            &[],
            Some(&mut member),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    // Off for membership changes (its box left unticked).
    let saved = app
        .call(
            &host,
            "update_notification_defaults",
            &[("invitations_accepted", "on")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let entry = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(entry.action, "notification.defaults");
    assert_eq!(entry.after.as_deref(), Some("membership_changes off"));

    // The member who chose "on" is told; the other, on the default, not.
    // (One change of both: their mails would go in this order, so the
    // member's having come, the other's would have too.)
    choose(&app, &mut member, "on", "default").await;
    let ids = format!(
        "{},{}",
        app.user_id("other@acme.test").await,
        app.user_id(MEMBER).await
    );
    let changed = app
        .call(
            &host,
            "change_member_roles",
            &[("user_ids", &ids), ("role", "viewer")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    app.mail
        .last_about(MEMBER, "Your role in Org acme is now Viewer")
        .await;
    assert!(app.mail.sent_to("other@acme.test").is_empty());

    // A choice that is not one: the reason at its field, nothing kept.
    let bad = app
        .call(
            &host,
            "update_notifications",
            &[
                ("membership_changes", "sometimes"),
                ("invitations_accepted", "off"),
                ("weekly_digest", "off"),
            ],
            Some(&mut member),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("membership_changes"), "{}", bad.body);
    let page = app
        .call(&host, "notifications", &[], Some(&mut member))
        .await;
    assert!(
        page.body
            .contains(r#""kind":"InvitationsAccepted","default":true,"choice":"Default""#),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_inviter_is_told_when_their_invitation_is_accepted() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");
    let invited = app
        .call(
            &host,
            "invite_member",
            &[("email", "new@example.test"), ("role", "member")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    let link = app
        .mail
        .last_to("new@example.test")
        .await
        .link("/invitation")
        .unwrap();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let mut newcomer = CookieJar::default();
    let accepted = app
        .call(
            &host,
            "accept_invitation",
            &[("token", &token), ("password", PASSWORD)],
            Some(&mut newcomer),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let told = app
        .mail
        .last_about("owner@acme.test", "new@example.test joined Org acme")
        .await;
    assert!(told.body.contains("/members"), "{}", told.body);
    assert!(told
        .link("/unsubscribe")
        .unwrap()
        .contains("kind=invitations_accepted"));
}

#[tokio::test]
async fn the_weekly_summary_goes_once_a_week_to_those_who_want_it() {
    use app::server::{identity::digest::Digests, time::now_unix};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut member = app.signed_in_as("acme", Role::Member).await;
    let host = app.tenant_host("acme");
    for name in ["Payments", "Search"] {
        let added = app
            .call(&host, "add_team", &[("name", name)], Some(&mut owner))
            .await;
        assert_eq!(added.status, 200, "{}", added.body);
    }
    let state = &app.state;
    let digests = Digests {
        control: &state.control,
        directory: &state.directory,
        registry: &state.registry,
        mailer: &state.mailer,
        settings: &state.settings,
    };
    // Not a week old yet: not due.
    assert_eq!(digests.send_due(now_unix()).await.unwrap(), 0);

    // A week later (signed up eight days ago), to the member who asked for
    // it; the owner, on the default (off), gets none. (Their mails would go
    // in the order of their accounts, the owner's first.)
    choose_all(&app, &mut member, "default", "default", "on").await;
    let tenant = app.tenant("acme").await.unwrap();
    let mut row: tenancy::entities::tenants::ActiveModel = tenant.into();
    row.created_at = Set(now_unix() - 8 * 24 * 60 * 60);
    row.update(&state.control).await.unwrap();
    assert_eq!(digests.send_due(now_unix()).await.unwrap(), 1);
    let summary = app.mail.last_about(MEMBER, "This week in Org acme").await;
    assert!(summary.body.contains("saw 3 changes"), "{}", summary.body);
    assert!(summary.body.contains("2 teams"), "{}", summary.body);
    let link = summary.link("/unsubscribe").unwrap();
    assert!(link.contains("kind=weekly_digest"), "{link}");
    assert!(app
        .mail
        .sent_to("owner@acme.test")
        .iter()
        .all(|m| !m.subject.starts_with("This week")));

    // Sent: not again until next week.
    assert_eq!(digests.send_due(now_unix()).await.unwrap(), 0);
    assert_eq!(
        digests
            .send_due(now_unix() + app::server::identity::digest::EVERY_SECS)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn the_notification_page_works_without_javascript() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let mut member = app.signed_in_as("acme", Role::Member).await;
    let host = app.tenant_host("acme");
    let posted = app
        .post_form_from(
            &host,
            "/notifications",
            "update_notifications",
            &[
                ("membership_changes", "off"),
                ("invitations_accepted", "default"),
                ("weekly_digest", "on"),
            ],
            Some(&mut member),
        )
        .await;
    assert!((300..400).contains(&posted.status), "{}", posted.body);
    let back = posted.header("location").unwrap().to_owned();
    assert_eq!(back, "/notifications?saved=1");
    let page = app.get(&host, &back, Some(&mut member)).await;
    assert!(
        page.body.contains(r#"data-testid="notifications-saved""#),
        "{}",
        page.body
    );
    // Each select shows what was chosen.
    assert!(
        page.body.contains(r#"<option value="off" selected"#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"<option value="on" selected"#),
        "{}",
        page.body
    );
}
