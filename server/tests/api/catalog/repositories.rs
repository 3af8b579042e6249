//! Repositories: pasted lists (kept line by line, errors per line, with
//! and without JavaScript) and the list's search, filters, sorting and pages.

use crate::helpers::{Backend, Org};

const PASTED: &str = "\
https://github.com/acme/payments-api
git@github.com:acme/payments-web.git

https://gitlab.com/acme/platform/infra
not a repository
acme/mobile-app
https://github.com/acme/payments-api.git
ftp://example.com/x
";

async fn a_pasted_list_keeps_the_valid_lines_and_reports_the_others(backend: Backend) {
    let mut org = Org::new(backend).await;
    let error = org.fails("paste_repositories", &[("list", PASTED)]).await;

    assert_eq!(
        error.field_error("list").as_deref(),
        Some("Added 4. Fix the lines below and add them again.")
    );
    let line = |n: u32| error.field_error(&format!("line:{n}"));
    assert_eq!(
        line(5).as_deref(),
        Some("One repository a line, without spaces.")
    );
    assert_eq!(
        line(7).as_deref(),
        Some("acme/payments-api is already on line 1.")
    );
    assert_eq!(line(8).as_deref(), Some("ftp:// is not a git address."));
    assert_eq!(line(1), None);
    // The field keeps only the lines to fix.
    assert_eq!(
        error.field_value("list").as_deref(),
        Some("not a repository\nhttps://github.com/acme/payments-api.git\nftp://example.com/x")
    );
    let page = org.repositories(&[]).await;
    let names: Vec<&str> = page.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "acme/mobile-app",
            "acme/payments-api",
            "acme/payments-web",
            "acme/platform/infra"
        ]
    );
    assert_eq!(
        page.rows[1].url.as_deref(),
        Some("https://github.com/acme/payments-api")
    );

    // Linked already, in any case: a duplicate line; nothing else changes.
    let again = org
        .fails(
            "paste_repositories",
            &[("list", "ACME/Mobile-App\nacme/new-one")],
        )
        .await;
    assert_eq!(
        again.field_error("line:1").as_deref(),
        Some("ACME/Mobile-App is already linked.")
    );
    assert_eq!(org.repositories(&[]).await.all, 5);
    let one = org
        .fails("add_repository", &[("name", "acme/new-one")])
        .await;
    assert_eq!(
        one.field_error("name").as_deref(),
        Some("acme/new-one is already linked.")
    );
    // Many lines left out: the first 50 come back, and how many there were.
    let many: Vec<String> = (0..80).map(|_| "acme/mobile-app".to_owned()).collect();
    let lots = org
        .fails("paste_repositories", &[("list", &many.join("\n"))])
        .await;
    assert_eq!(
        lots.field_error("list").as_deref(),
        Some("No repository was added: fix the lines below. 80 lines were left out; the first 50 are below.")
    );
    assert!(lots.field_error("line:50").is_some());
    assert!(lots.field_error("line:51").is_none());
    let empty = org.fails("paste_repositories", &[("list", "\n  \n")]).await;
    assert_eq!(
        empty.field_error("list").as_deref(),
        Some("Paste at least one repository name or address.")
    );
    let entries = org.app.audit_entries("acme").await;
    let added: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "repository.add")
        .map(|e| e.target.as_str())
        .collect();
    assert_eq!(added, ["4 repositories", "repository \"acme/new-one\""]);
}

#[tokio::test]
async fn a_pasted_list_keeps_the_valid_lines_and_reports_the_others_on_sqlite() {
    a_pasted_list_keeps_the_valid_lines_and_reports_the_others(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_pasted_list_keeps_the_valid_lines_and_reports_the_others_on_postgres() {
    a_pasted_list_keeps_the_valid_lines_and_reports_the_others(Backend::Postgres).await;
}

#[tokio::test]
async fn the_repository_list_searches_filters_sorts_and_pages() {
    let mut org = Org::new(Backend::Postgres).await;
    let team = org.team("Web").await.to_string();
    let names: Vec<String> = (1..=60).map(|i| format!("acme/service-{i:02}")).collect();
    org.ok::<Vec<String>>(
        "paste_repositories",
        &[("list", &(names.join("\n") + "\nacme/web_100"))],
    )
    .await;
    org.ok::<i64>(
        "add_pattern_rule",
        &[("team_id", &team), ("pattern", "-0[1-5]$")],
    )
    .await;
    let id = org.repository_id("acme/service-60").await.to_string();
    org.ok::<Vec<String>>(
        "set_repository_labels",
        &[("id", &id), ("labels", "Legacy")],
    )
    .await;

    let first = org.repositories(&[]).await;
    assert_eq!((first.total, first.pages, first.rows.len()), (61, 2, 50));
    assert_eq!(first.rows[0].name, "acme/service-01");
    let second = org.repositories(&[("page", "2")]).await;
    assert_eq!(second.rows.len(), 11);
    let beyond = org.repositories(&[("page", "99")]).await;
    assert_eq!(beyond.page, 2);
    let desc = org.repositories(&[("sort", "-name")]).await;
    assert_eq!(desc.rows[0].name, "acme/web_100");

    let of_team = org.repositories(&[("team", &team)]).await;
    assert_eq!(of_team.total, 5);
    assert_eq!(of_team.unassigned, 56);
    let unassigned = org.repositories(&[("unassigned", "1")]).await;
    assert_eq!(unassigned.total, 56);
    assert!(unassigned.rows.iter().all(|r| r.teams.is_empty()));
    let labelled = org.repositories(&[("label", "legacy")]).await;
    assert_eq!(labelled.rows.len(), 1);
    assert_eq!(labelled.rows[0].labels, ["Legacy"]);
    // LIKE's own characters are taken literally: `e_1` would match
    // `service-10` if `_` meant any character.
    assert_eq!(org.repositories(&[("q", "b_100")]).await.total, 1);
    assert_eq!(org.repositories(&[("q", "e_1")]).await.total, 0);
    assert_eq!(org.repositories(&[("q", "%")]).await.total, 0);
    assert_eq!(org.repositories(&[("q", "SERVICE-1")]).await.total, 10);
    // What PostgreSQL cannot compare (a NUL) is a field error, not a 500.
    let fields = [
        ("q", "acme\0"),
        ("team", ""),
        ("label", ""),
        ("unassigned", ""),
        ("sort", ""),
        ("page", ""),
    ];
    let refused = org.fails("repositories", &fields).await;
    let app::model::AppError::Validation(errors) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        errors.get("q"),
        Some("Remove control and invisible characters from the search.")
    );
}

#[tokio::test]
async fn without_javascript_a_pasted_list_comes_back_with_its_line_errors() {
    let mut org = Org::new(Backend::Sqlite).await;
    let host = org.host.clone();
    let response = org
        .app
        .post_form_from(
            &host,
            "/onboarding?step=repositories",
            "paste_repositories",
            &[("list", "acme/api\nnot valid")],
            Some(&mut org.jar),
        )
        .await;
    assert_eq!(response.status, 302, "{}", response.body);
    let location = response.header("location").expect("a redirect").to_owned();
    let path = location.trim_start_matches(&format!("http://{host}"));
    let page = org.app.get(&host, path, Some(&mut org.jar)).await;
    assert!(
        page.body.contains("Added 1. Fix the lines below"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("One repository a line, without spaces."),
        "{}",
        page.body
    );
    assert!(page.body.contains(">not valid</textarea>"), "{}", page.body);
}
