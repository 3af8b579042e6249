//! Inviting from a pasted list or a CSV file's text: each valid line is
//! invited as by the form (mailed, audited), the others come back to fix.

use super::{invited, pending_on};
use crate::helpers::{app_error, spawn_app, Backend, TestApp};
use crate::http::{CookieJar, Response};
use app::model::{invitations::BULK_AT_MOST, Role};

async fn import(app: &TestApp, jar: &mut CookieJar, list: &str) -> Response {
    app.call(
        &app.tenant_host("acme"),
        "import_invitations",
        &[("list", list)],
        Some(jar),
    )
    .await
}

#[tokio::test]
async fn the_valid_lines_are_invited_and_the_others_come_back_with_their_reasons() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    app.add_member("acme", "member@example.test", Role::Member)
        .await;
    invited(&app, &mut owner, "pending@example.test", "member").await;
    let entries = app.audit_entries("acme").await.len();

    let list = "email,role\n\
                ann@example.test\n\
                bob@example.test, admin\n\
                nobody\n\
                member@example.test\n\
                pending@example.test, viewer\n\
                cid@example.test, emperor\n";
    let answer = import(&app, &mut owner, list).await;
    let error = app_error(&answer);
    assert_eq!(
        error.field_error("list").as_deref(),
        Some("Invited 2. Fix the lines below and send them again.")
    );
    // The list keeps the refused lines only, each with its reason.
    assert_eq!(
        error.field_value("list").as_deref(),
        Some(
            "nobody\nmember@example.test\npending@example.test, viewer\ncid@example.test, emperor"
        )
    );
    for (line, reason) in [
        (4, "Enter an email address like name@example.com."),
        (5, "member@example.test is already a member."),
        (6, "pending@example.test is invited already"),
        (7, "The role is not owner, admin, member or viewer."),
    ] {
        let message = error
            .field_error(&format!("line:{line}"))
            .unwrap_or_default();
        assert!(message.starts_with(reason), "line {line}: {message}");
    }
    // The two invited are mailed and audited like any invitation.
    for email in ["ann@example.test", "bob@example.test"] {
        let mail = app.mail.last_to(email).await;
        assert!(mail.link("/invitation").is_some(), "{email}");
    }
    assert_eq!(app.audit_entries("acme").await.len(), entries + 2);
    let listed = pending_on(&app, &app.tenant_host("acme"), &mut owner).await;
    assert!(
        listed
            .iter()
            .any(|i| i.email == "bob@example.test" && i.role == Role::Admin),
        "{listed:?}"
    );

    // A clean list answers with the addresses.
    let clean = import(&app, &mut owner, "dee@example.test\n").await;
    assert_eq!(clean.status, 200, "{}", clean.body);
    assert_eq!(clean.body, r#"["dee@example.test"]"#);
}

#[tokio::test]
async fn an_import_is_refused_whole_when_it_cannot_be_sent() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    // Not confirmed yet: nothing is sent, the list is kept.
    let unconfirmed = import(&app, &mut owner, "ann@example.test").await;
    let error = app_error(&unconfirmed);
    assert!(error
        .field_error("list")
        .unwrap()
        .starts_with("Confirm your email address first"));
    assert_eq!(
        error.field_value("list").as_deref(),
        Some("ann@example.test")
    );
    assert!(app.mail.sent_to("ann@example.test").is_empty());

    app.mark_verified("owner@acme.test").await;
    let many: String = (0..=BULK_AT_MOST)
        .map(|i| format!("p{i}@example.test\n"))
        .collect();
    let too_many = import(&app, &mut owner, &many).await;
    assert_eq!(
        app_error(&too_many).field_error("list"),
        Some(format!(
            "Send at most {BULK_AT_MOST} invitations at once, the rest after."
        ))
    );
    assert!(app.mail.sent_to("p0@example.test").is_empty());
    let empty = import(&app, &mut owner, " \n\n").await;
    assert_eq!(
        app_error(&empty).field_error("list").as_deref(),
        Some("Paste one address a line.")
    );
    // Only who may invite: a member is refused.
    let mut member = app.signed_in_as("acme", Role::Member).await;
    let refused = import(&app, &mut member, "ann@example.test").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
}

#[tokio::test]
async fn a_csv_file_is_invited_like_a_pasted_list_with_and_without_javascript() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");
    let upload = async |app: &TestApp, jar: &mut CookieJar, file: &[u8], from: Option<&str>| {
        app.upload(
            &host,
            "import_invitations_file",
            "file",
            file,
            from,
            Some(jar),
        )
        .await
    };

    // As a spreadsheet saves it: a byte-order mark, CRLF, quoted cells.
    let csv = "\u{feff}\"email\",\"role\"\r\n\"ann@example.test\",\"Admin\"\r\nbob@example.test,viewer\r\n";
    let answer = upload(&app, &mut owner, csv.as_bytes(), None).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body, r#"["ann@example.test","bob@example.test"]"#);

    // Without JavaScript: the refused line comes back in the list field.
    let posted = upload(
        &app,
        &mut owner,
        b"cid@example.test\nnobody\n",
        Some("/members"),
    )
    .await;
    assert!((300..400).contains(&posted.status), "{}", posted.body);
    let location = posted.header("location").unwrap_or_default();
    let back = location
        .strip_prefix(&format!("http://{host}"))
        .unwrap_or(location);
    let page = app.get(&host, back, Some(&mut owner)).await;
    assert!(
        page.body
            .contains("Invited 1. Fix the lines below and send them again."),
        "{}",
        page.body
    );
    assert!(page.body.contains(">nobody</textarea>"), "{}", page.body);
    let clean = upload(&app, &mut owner, b"dee@example.test\n", Some("/members")).await;
    assert_eq!(clean.header("location"), Some("/members?imported=1"));
    let page = app
        .get(&host, "/members?imported=1", Some(&mut owner))
        .await;
    assert!(page.body.contains("Invited 1."), "{}", page.body);
    // Shown, not folded away.
    assert!(
        page.body
            .contains(r#"<details data-testid="import-invitations" open"#),
        "{}",
        page.body
    );

    // Not text, or too large: said at the list, nothing sent.
    let binary = upload(&app, &mut owner, &[0xff, 0xfe, 0x00, 0x9f], None).await;
    assert!(app_error(&binary)
        .field_error("list")
        .unwrap()
        .starts_with("The file is not text"));
    let large = vec![b'a'; 40 * 1024];
    let refused = upload(&app, &mut owner, &large, None).await;
    assert!(app_error(&refused)
        .field_error("list")
        .unwrap()
        .starts_with("The file is larger than 32 KiB"));
}
