//! Resending and revoking invitations in bulk: each invitation asked for
//! gets its own outcome, and only those that could be changed are.

use super::{accept, form_error, invited, mailed_token};
use crate::helpers::{spawn_app, Backend, TestApp, PASSWORD};
use crate::http::{CookieJar, Response};
use app::model::invitations::{BulkAction, BulkOutcome, RowOutcome, BULK_AT_MOST};
use app::model::Role;

async fn bulk(app: &TestApp, jar: &mut CookieJar, ids: &[i64], action: &str) -> Response {
    let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    app.call(
        &app.tenant_host("acme"),
        "bulk_invitations",
        &[("ids", &ids), ("action", action)],
        Some(jar),
    )
    .await
}

fn outcome(response: &Response) -> BulkOutcome {
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str(&response.body).unwrap()
}

#[tokio::test]
async fn each_invitation_of_a_bulk_change_gets_its_own_outcome() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    app.mark_verified("admin@acme.test").await;

    let a = invited(&app, &mut owner, "a@example.test", "member").await;
    let b = invited(&app, &mut owner, "b@example.test", "viewer").await;
    let boss = invited(&app, &mut owner, "boss@example.test", "owner").await;
    let accepted = invited(&app, &mut owner, "c@example.test", "member").await;
    let c_token = mailed_token(&app, "c@example.test").await;
    let joined = accept(&app, &c_token, PASSWORD, &mut CookieJar::default()).await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    let a_token = mailed_token(&app, "a@example.test").await;
    let boss_token = mailed_token(&app, "boss@example.test").await;
    let entries = app.audit_entries("acme").await.len();

    // An admin revokes four: one goes, the others say why not.
    let ids = [a.id, boss.id, accepted.id, 999_999];
    let revoked = outcome(&bulk(&app, &mut admin, &ids, "revoke").await);
    assert_eq!(revoked.action, BulkAction::Revoke);
    let got: Vec<(i64, &str, RowOutcome)> = revoked
        .rows
        .iter()
        .map(|r| (r.id, r.email.as_str(), r.outcome))
        .collect();
    assert_eq!(
        got,
        [
            (a.id, "a@example.test", RowOutcome::Done),
            (boss.id, "boss@example.test", RowOutcome::OwnersOnly),
            (accepted.id, "c@example.test", RowOutcome::NotPending),
            (999_999, "", RowOutcome::NotPending),
        ]
    );
    assert_eq!(app.audit_entries("acme").await.len(), entries + 1);
    // a's link is dead; the owner's invitation still works.
    let dead = accept(&app, &a_token, PASSWORD, &mut CookieJar::default()).await;
    assert_eq!(dead.status, 422, "{}", dead.body);

    // The owner resends two, one of them revoked meanwhile.
    let sent_before = app.mail.sent_to("b@example.test").len();
    let resent = outcome(&bulk(&app, &mut owner, &[b.id, a.id, boss.id], "resend").await);
    let got: Vec<RowOutcome> = resent.rows.iter().map(|r| r.outcome).collect();
    assert_eq!(
        got,
        [RowOutcome::Done, RowOutcome::NotPending, RowOutcome::Done]
    );
    assert_eq!(resent.done(), 2);
    assert_eq!(app.mail.sent_to("b@example.test").len(), sent_before + 1);
    assert!(
        app.mail.sent_to("a@example.test").len() == 1,
        "no mail to a revoked one"
    );
    assert_eq!(app.audit_entries("acme").await.len(), entries + 3);
    // The resent owner's invitation has a new link; the old one stops.
    let old = accept(&app, &boss_token, PASSWORD, &mut CookieJar::default()).await;
    assert_eq!(old.status, 422, "{}", old.body);
    let new_token = mailed_token(&app, "boss@example.test").await;
    let joined = accept(&app, &new_token, PASSWORD, &mut CookieJar::default()).await;
    assert_eq!(joined.status, 200, "{}", joined.body);
}

#[tokio::test]
async fn a_bulk_change_says_what_is_wrong_with_its_request() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let none = bulk(&app, &mut owner, &[], "revoke").await;
    assert_eq!(form_error(&none), "Select invitations from the list.");
    let many: Vec<i64> = (1..=i64::try_from(BULK_AT_MOST).unwrap() + 1).collect();
    let too_many = bulk(&app, &mut owner, &many, "revoke").await;
    assert_eq!(
        form_error(&too_many),
        format!("Select at most {BULK_AT_MOST} invitations at once.")
    );
    let unknown = bulk(&app, &mut owner, &[1], "delete").await;
    assert_eq!(form_error(&unknown), "Choose to resend or to revoke.");
}

#[tokio::test]
async fn without_javascript_the_members_page_says_how_many_were_changed() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");
    let a = invited(&app, &mut owner, "a@example.test", "member").await;
    let b = invited(&app, &mut owner, "b@example.test", "member").await;

    // The list's checkboxes lead to the confirmation step.
    let step = format!(
        "/members?invitation={}&invitation={}&invitations=revoke",
        a.id, b.id
    );
    let page = app.get(&host, &step, Some(&mut owner)).await;
    assert!(
        page.body.contains("Revoke 2 invitation(s)?"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"data-testid="confirm-bulk""#));

    // b is revoked meanwhile: one of the two goes.
    let ids = b.id.to_string();
    let first = app
        .call(
            &host,
            "bulk_invitations",
            &[("ids", &ids), ("action", "revoke")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let ids = format!("{},{}", a.id, b.id);
    let posted = app
        .post_form_from(
            &host,
            &step,
            "bulk_invitations",
            &[("ids", &ids), ("action", "revoke")],
            Some(&mut owner),
        )
        .await;
    assert!((300..400).contains(&posted.status), "{}", posted.body);
    let back = posted.header("location").unwrap();
    assert_eq!(
        back,
        "/members?done=invitations&action=revoke&count=1&left=1"
    );
    let page = app.get(&host, back, Some(&mut owner)).await;
    assert!(
        page.body
            .contains("Revoked 1 invitation(s). 1 could not be"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_pending_invitations_come_a_page_at_a_time_in_one_statement() {
    use app::model::invitations::{PendingInvitations, INVITATIONS_PAGE};
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    for i in 0..120 {
        app.add_invitation("acme", &format!("p{i:03}@example.test"), Role::Member)
            .await;
    }
    let page = async |app: &TestApp, owner: &mut CookieJar, n: &str| {
        let before = app.state.control_statements.get();
        let answer = app
            .call(&host, "invitations", &[("page", n)], Some(owner))
            .await;
        let statements = app.state.control_statements.get() - before;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let list: PendingInvitations = serde_json::from_str(&answer.body).unwrap();
        (list, statements)
    };
    let (first, _) = page(&app, &mut owner, "1").await;
    assert_eq!(first.invitations.len() as u64, INVITATIONS_PAGE);
    assert_eq!(
        first.invitations[0].email, "p119@example.test",
        "newest first"
    );
    assert!(first.older);
    // Once the session is cached: the page's one statement.
    let (last, statements) = page(&app, &mut owner, "3").await;
    assert_eq!(statements, 1);
    assert_eq!(last.invitations.len(), 20);
    assert_eq!(last.invitations[19].email, "p000@example.test");
    assert!(!last.older);
    let (past, _) = page(&app, &mut owner, "9").await;
    assert!(past.invitations.is_empty() && !past.older);

    // The members page links the next page, and shows it.
    let members = app.get(&host, "/members", Some(&mut owner)).await;
    assert!(
        members
            .body
            .contains(r#"href="/members?invitations_page=2""#),
        "{}",
        members.body
    );
    let second = app
        .get(&host, "/members?invitations_page=2", Some(&mut owner))
        .await;
    assert!(second.body.contains("p069@example.test"));
    assert!(!second.body.contains("p119@example.test"));
}
