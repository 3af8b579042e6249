//! The members page: listed, searched and filtered for every member, and
//! without JavaScript a confirmation before any change.

use super::list;
use crate::helpers::{app_error, spawn_app, Backend};
use app::model::Role;

#[tokio::test]
async fn members_are_listed_searched_and_filtered_by_role_for_every_member() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.add_member("acme", "alice@acme.test", Role::Admin).await;
    app.add_member("acme", "bob@acme.test", Role::Member).await;
    let mut viewer = app.signed_in_as("acme", Role::Viewer).await;

    let all = list(&app, &mut owner, "", "").await;
    assert_eq!(all.total, 4);
    let emails: Vec<&str> = all.members.iter().map(|m| m.email.as_str()).collect();
    // Most powerful first.
    assert_eq!(
        emails,
        [
            "owner@acme.test",
            "alice@acme.test",
            "bob@acme.test",
            "viewer@acme.test"
        ]
    );
    assert!(all.members[0].you && !all.members[1].you);

    let found = list(&app, &mut owner, "ALI", "").await;
    assert_eq!(found.members.len(), 1, "{found:?}");
    assert_eq!(found.members[0].email, "alice@acme.test");
    assert_eq!(found.total, 4);
    let admins = list(&app, &mut owner, "", "admin").await;
    assert_eq!(admins.members.len(), 1);
    assert_eq!(admins.members[0].role, Role::Admin);

    // Viewers see who is in their organization, and no way to change it.
    let seen = list(&app, &mut viewer, "", "").await;
    assert_eq!(seen.members.len(), 4);
    assert_eq!(seen.your_role, Role::Viewer);
    let page = app
        .get(&app.tenant_host("acme"), "/members", Some(&mut viewer))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("bob@acme.test"), "{}", page.body);
    assert!(!page.body.contains(r#"data-testid="bulk-remove""#));
}

#[tokio::test]
async fn the_members_page_confirms_before_it_changes_anything_without_javascript() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    app.add_member("acme", "bob@acme.test", Role::Member).await;
    let bob = app.user_id("bob@acme.test").await;

    let page = app.get(&host, "/members", Some(&mut owner)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"data-testid="member-bob@acme.test""#));
    assert!(page
        .body
        .contains(&format!("/members?confirm=remove&amp;selected={bob}")));

    // The confirmation step names who is affected and changes nothing yet.
    let confirm = app
        .get(
            &host,
            &format!("/members?confirm=remove&selected={bob}"),
            Some(&mut owner),
        )
        .await;
    assert!(
        confirm.body.contains(r#"data-testid="confirm""#),
        "{}",
        confirm.body
    );
    assert!(
        confirm.body.contains("Remove 1 member(s)?"),
        "{}",
        confirm.body
    );
    assert_eq!(
        app.role_of("acme", "bob@acme.test").await,
        Some(Role::Member)
    );

    // Confirming posts the form; without JavaScript the answer is a redirect
    // to the list with what was done.
    let posted = app
        .post_form(
            &host,
            "remove_members",
            &[("user_ids", &bob.to_string())],
            Some(&mut owner),
        )
        .await;
    assert!(
        (300..400).contains(&posted.status),
        "{} {}",
        posted.status,
        posted.body
    );
    assert_eq!(
        posted.header("location"),
        Some("/members?done=removed&count=1")
    );
    assert_eq!(app.role_of("acme", "bob@acme.test").await, None);
    let done = app
        .get(&host, "/members?done=removed&count=1", Some(&mut owner))
        .await;
    assert!(done.body.contains("Removed 1 member(s)."), "{}", done.body);
    assert!(!done.body.contains("bob@acme.test"));
}

#[tokio::test]
async fn the_search_finds_text_literally_and_refuses_hidden_characters_next_to_the_field() {
    let app = spawn_app(Backend::Postgres).await;
    let mut owner = app.signed_in_owner("acme").await;
    app.add_member("acme", "alice@acme.test", Role::Admin).await;
    let host = app.tenant_host("acme");

    // `%` and `_` are what they are, not LIKE's wildcards.
    for literal in ["%", "_lice", "a%e"] {
        let found = list(&app, &mut owner, literal, "").await;
        assert!(found.members.is_empty(), "{literal}: {found:?}");
    }
    // A NUL reached PostgreSQL as an error before; now it is the field's.
    let answer = app
        .call(
            &host,
            "members",
            &[("search", "ali\0"), ("role", "")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(app_error(&answer).field_error("search").is_some());
    let page = app.get(&host, "/members?q=ali%00", Some(&mut owner)).await;
    assert!(
        page.body
            .contains("Remove control and invisible characters from the search."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"data-testid="member-filter""#),
        "the form stays"
    );
}
