//! Teams, repositories, labels, mapping rules and manual decisions through
//! their server functions, on both backends: pasted lists, the stored
//! assignments and their reasons as inputs change, validation at the field,
//! the repository list's filters, and the onboarding wizard's progress.

use crate::helpers::{Backend, Org};
use app::model::{
    mapping::{RulesPage, Why},
    repositories::{RepositoryDetail, RepositoryPage},
    teams::TeamRow,
};

/// The catalog's calls, on the helpers' [`Org`].
impl Org {
    async fn team(&mut self, name: &str) -> i64 {
        let team: app::model::teams::Team = self.ok("add_team", &[("name", name)]).await;
        team.id
    }

    async fn repositories(&mut self, filters: &[(&str, &str)]) -> RepositoryPage {
        let mut fields = vec![
            ("q", ""),
            ("team", ""),
            ("label", ""),
            ("unassigned", ""),
            ("sort", ""),
            ("page", ""),
        ];
        for (key, value) in filters {
            fields.retain(|(k, _)| k != key);
            fields.push((key, value));
        }
        self.ok("repositories", &fields).await
    }

    async fn repository_id(&mut self, name: &str) -> i64 {
        let page = self.repositories(&[("q", name)]).await;
        page.rows
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name} not in {page:?}"))
            .id
    }

    /// The teams of `name`, as `team: reasons` lines, sorted.
    async fn teams_of(&mut self, name: &str) -> Vec<String> {
        let id = self.repository_id(name).await.to_string();
        let detail: RepositoryDetail = self.ok("repository", &[("id", &id)]).await;
        detail
            .repository
            .teams
            .iter()
            .map(|t| {
                let why: Vec<String> = t.why.iter().map(Why::describe).collect();
                format!("{}: {}", t.team_name, why.join("; "))
            })
            .collect()
    }
}

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

async fn assignments_follow_rules_labels_and_decisions(backend: Backend) {
    let mut org = Org::new(backend).await;
    let payments = org.team("Payments").await.to_string();
    let platform = org.team("Platform").await.to_string();
    org.fails(
        "paste_repositories",
        &[(
            "list",
            "acme/payments-api\nacme/payments-web\nacme/infra\nacme/docs\nbad line",
        )],
    )
    .await;

    // A pattern rule, matched anywhere in the name, ignoring case.
    let rule: i64 = org
        .ok(
            "add_pattern_rule",
            &[("team_id", &payments), ("pattern", "PAYMENTS-")],
        )
        .await;
    assert_eq!(
        org.teams_of("acme/payments-api").await,
        ["Payments: name matches PAYMENTS-"]
    );
    assert_eq!(org.teams_of("acme/infra").await, Vec::<String>::new());

    // A label rule, and a label put on a repository afterwards.
    org.ok::<i64>(
        "add_label_rule",
        &[("team_id", &platform), ("label", "infrastructure")],
    )
    .await;
    let infra = org.repository_id("acme/infra").await.to_string();
    org.ok::<Vec<String>>(
        "set_repository_labels",
        &[("id", &infra), ("labels", "Infrastructure, ops, ops")],
    )
    .await;
    // The label keeps the spelling it was created with (by the rule).
    assert_eq!(
        org.teams_of("acme/infra").await,
        ["Platform: label infrastructure"]
    );

    // Exclusion beats the rule; assignment by hand adds a team.
    let api = org.repository_id("acme/payments-api").await.to_string();
    org.ok::<()>(
        "decide_repository",
        &[
            ("id", &api),
            ("team_id", &payments),
            ("decision", "exclude"),
        ],
    )
    .await;
    org.ok::<()>(
        "decide_repository",
        &[("id", &api), ("team_id", &platform), ("decision", "assign")],
    )
    .await;
    assert_eq!(
        org.teams_of("acme/payments-api").await,
        ["Platform: assigned by hand"]
    );
    // Back to the rules.
    org.ok::<()>(
        "decide_repository",
        &[("id", &api), ("team_id", &payments), ("decision", "rules")],
    )
    .await;
    assert_eq!(
        org.teams_of("acme/payments-api").await,
        [
            "Payments: name matches PAYMENTS-",
            "Platform: assigned by hand"
        ]
    );

    // Renaming a repository reruns the rules on its new name.
    let web = org.repository_id("acme/payments-web").await.to_string();
    org.ok::<()>(
        "rename_repository",
        &[("id", &web), ("name", "acme/storefront")],
    )
    .await;
    assert_eq!(org.teams_of("acme/storefront").await, Vec::<String>::new());

    // Editing the rule reruns it everywhere.
    org.ok::<()>(
        "update_rule",
        &[
            ("id", &rule.to_string()),
            ("team_id", &payments),
            ("pattern", "(store|docs)"),
        ],
    )
    .await;
    assert_eq!(
        org.teams_of("acme/storefront").await,
        ["Payments: name matches (store|docs)"]
    );
    assert_eq!(
        org.teams_of("acme/docs").await,
        ["Payments: name matches (store|docs)"]
    );
    assert_eq!(
        org.teams_of("acme/payments-api").await,
        ["Platform: assigned by hand"]
    );
    let rules: RulesPage = org.ok("rules", &[]).await;
    let counts: Vec<(String, u64)> = rules
        .rules
        .iter()
        .map(|r| (r.describe(), r.repository_count))
        .collect();
    assert_eq!(
        counts,
        [
            ("name matches (store|docs)".to_owned(), 2),
            ("label infrastructure".to_owned(), 1)
        ]
    );

    // Removing the label takes its rule with it.
    let labels: Vec<app::model::mapping::Label> = org.ok("labels", &[]).await;
    let names: Vec<(&str, u64)> = labels
        .iter()
        .map(|l| (l.name.as_str(), l.repository_count))
        .collect();
    assert_eq!(names, [("infrastructure", 1), ("ops", 1)]);
    org.ok::<()>("remove_label", &[("id", &labels[0].id.to_string())])
        .await;
    assert_eq!(org.teams_of("acme/infra").await, Vec::<String>::new());
    let rules: RulesPage = org.ok("rules", &[]).await;
    assert_eq!(rules.rules.len(), 1);

    // Removing a team removes its rules and its decisions; the repositories stay.
    org.ok::<()>("remove_team", &[("id", &payments)]).await;
    assert_eq!(org.teams_of("acme/docs").await, Vec::<String>::new());
    let rules: RulesPage = org.ok("rules", &[]).await;
    assert!(rules.rules.is_empty(), "{rules:?}");
    let teams: Vec<TeamRow> = org.ok("teams", &[]).await;
    assert_eq!(teams.len(), 1);
    assert_eq!(
        (teams[0].name.as_str(), teams[0].repository_count),
        ("Platform", 1)
    );
    assert_eq!(org.repositories(&[]).await.all, 4);

    let actions: Vec<String> = org
        .app
        .audit_entries("acme")
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "rule.add",
        "rule.update",
        "label.add",
        "label.remove",
        "repository.labels",
        "repository.decision",
        "repository.rename",
        "team.remove",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn assignments_follow_rules_labels_and_decisions_on_sqlite() {
    assignments_follow_rules_labels_and_decisions(Backend::Sqlite).await;
}

#[tokio::test]
async fn assignments_follow_rules_labels_and_decisions_on_postgres() {
    assignments_follow_rules_labels_and_decisions(Backend::Postgres).await;
}

#[tokio::test]
async fn bad_rules_are_refused_at_their_field_and_hostile_patterns_are_harmless() {
    let mut org = Org::new(Backend::Sqlite).await;
    let team = org.team("Core").await.to_string();
    org.ok::<Vec<String>>(
        "paste_repositories",
        &[("list", &format!("acme/{}", "a".repeat(60)))],
    )
    .await;

    let cases = [
        (
            "(unclosed",
            "pattern",
            "This is not a valid pattern: unclosed group",
        ),
        (
            "",
            "pattern",
            "Enter a pattern, like ^payments- or (api|web)$.",
        ),
        (&*"x".repeat(301), "pattern", "Use at most 300 characters."),
        (
            "a{1000}{1000}",
            "pattern",
            "This pattern is too large: use fewer or smaller repetitions.",
        ),
    ];
    for (pattern, field, message) in cases {
        let error = org
            .fails(
                "add_pattern_rule",
                &[("team_id", &team), ("pattern", pattern)],
            )
            .await;
        assert_eq!(
            error.field_error(field).as_deref(),
            Some(message),
            "{pattern}"
        );
        assert_eq!(
            error.field_value("pattern").as_deref(),
            Some(pattern.trim())
        );
    }
    let no_team = org
        .fails("add_pattern_rule", &[("team_id", ""), ("pattern", "api")])
        .await;
    assert_eq!(
        no_team.field_error("team_id").as_deref(),
        Some("Choose the team the rule gives repositories to.")
    );
    let other_team = org
        .fails(
            "add_pattern_rule",
            &[("team_id", "999"), ("pattern", "api")],
        )
        .await;
    assert!(other_team.field_error("team_id").is_some());

    // Catastrophic backtracking elsewhere; linear time here.
    org.ok::<i64>(
        "add_pattern_rule",
        &[("team_id", &team), ("pattern", "^(a+)+$")],
    )
    .await;
    let duplicate = org
        .fails(
            "add_pattern_rule",
            &[("team_id", &team), ("pattern", "^(a+)+$")],
        )
        .await;
    assert_eq!(
        duplicate.field_error("pattern").as_deref(),
        Some("Core already has this rule.")
    );
    let preview: app::model::mapping::Preview =
        org.ok("preview_pattern", &[("pattern", "^ACME/a+$")]).await;
    assert_eq!((preview.total, preview.error), (1, None));
    let preview: app::model::mapping::Preview =
        org.ok("preview_pattern", &[("pattern", "([")]).await;
    assert!(preview.error.is_some());
    assert!(org
        .app
        .audit_entries("acme")
        .await
        .iter()
        .all(|e| e.action != "rule.add"
            || e.after.as_deref() == Some("team \"Core\": name matches ^(a+)+$")));
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
}

#[tokio::test]
async fn the_wizard_resumes_at_the_saved_step_until_finished_or_skipped() {
    let mut org = Org::new(Backend::Sqlite).await;
    let home = org.app.get(&org.host, "/", Some(&mut org.jar)).await;
    assert!(
        home.body.contains(r#"data-testid="onboarding-banner""#),
        "{}",
        home.body
    );

    let page = org
        .app
        .get(&org.host, "/onboarding", Some(&mut org.jar))
        .await;
    assert!(page.body.contains("Step 1 of 4: Teams"), "{}", page.body);
    org.ok::<()>("onboarding_step", &[("step", "mapping")])
        .await;
    let page = org
        .app
        .get(&org.host, "/onboarding", Some(&mut org.jar))
        .await;
    assert!(page.body.contains("Step 3 of 4: Mapping"), "{}", page.body);
    let page = org
        .app
        .get(
            &org.host,
            "/onboarding?step=repositories",
            Some(&mut org.jar),
        )
        .await;
    assert!(
        page.body.contains("Step 2 of 4: Repositories"),
        "{}",
        page.body
    );
    let home = org.app.get(&org.host, "/", Some(&mut org.jar)).await;
    assert!(home.body.contains("step 3 of 4, mapping."), "{}", home.body);

    let bad = org.fails("onboarding_step", &[("step", "nowhere")]).await;
    assert!(bad.field_error("step").is_some());
    org.ok::<()>("end_onboarding", &[("how", "skipped")]).await;
    let home = org.app.get(&org.host, "/", Some(&mut org.jar)).await;
    assert!(!home.body.contains("onboarding-banner"), "{}", home.body);

    // Only those who manage the organization run it.
    let mut member = org.app.signed_in_as("acme", app::model::Role::Member).await;
    let refused = org
        .app
        .call(
            &org.host,
            "onboarding_step",
            &[("step", "teams")],
            Some(&mut member),
        )
        .await;
    assert_eq!(refused.status, 403);
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

#[tokio::test]
async fn the_pages_show_teams_repositories_with_why_labels_and_rules() {
    let mut org = Org::new(Backend::Sqlite).await;
    let team = org.team("Payments").await.to_string();
    org.ok::<Vec<String>>(
        "paste_repositories",
        &[("list", "acme/payments-api\nacme/docs")],
    )
    .await;
    org.ok::<i64>(
        "add_pattern_rule",
        &[("team_id", &team), ("pattern", "payments")],
    )
    .await;
    let docs = org.repository_id("acme/docs").await;
    org.ok::<Vec<String>>(
        "set_repository_labels",
        &[("id", &docs.to_string()), ("labels", "handbook")],
    )
    .await;
    let api = org.repository_id("acme/payments-api").await;
    async fn page(org: &mut Org, path: &str) -> String {
        let page = org.app.get(&org.host, path, Some(&mut org.jar)).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        page.body
    }
    let detail = page(&mut org, &format!("/repositories/{api}")).await;
    assert!(
        detail.contains(r#"data-testid="repository-name">acme/payments-api<"#),
        "{detail}"
    );
    assert!(
        detail.contains(r#"data-testid="owner"><strong>Payments</strong>"#),
        "{detail}"
    );
    assert!(detail.contains("name matches payments"), "{detail}");
    let list = page(&mut org, "/repositories?unassigned=1").await;
    assert!(list.contains(r#"data-name="acme/docs""#), "{list}");
    assert!(!list.contains(r#"data-name="acme/payments-api""#), "{list}");
    assert!(
        list.contains("1 of 2 repositories; 1 without a team."),
        "{list}"
    );
    let teams = page(&mut org, "/teams").await;
    assert!(teams.contains(r#"class="name">Payments</span>"#), "{teams}");
    assert!(teams.contains("1 repositories"), "{teams}");
    let rules = page(&mut org, "/rules").await;
    assert!(rules.contains("name matches payments"), "{rules}");
    let labels = page(&mut org, "/labels").await;
    assert!(
        labels.contains(r#"data-testid="label-name">handbook<"#),
        "{labels}"
    );
    let missing = page(&mut org, "/repositories/999").await;
    assert!(missing.contains("Repository not found"), "{missing}");
}

/// Changes to the mapping's inputs take turns: a rule added while labels
/// are put on the repositories it matches leaves every repository with
/// both reasons, and no change fails.
#[tokio::test]
async fn concurrent_changes_to_the_mapping_take_turns() {
    let mut org = Org::new(Backend::Postgres).await;
    let team = org.team("Core").await.to_string();
    let names: Vec<String> = (0..12).map(|i| format!("acme/svc-{i}")).collect();
    org.ok::<Vec<String>>("paste_repositories", &[("list", &names.join("\n"))])
        .await;
    org.ok::<i64>("add_label_rule", &[("team_id", &team), ("label", "hot")])
        .await;
    let mut ids = Vec::new();
    for name in &names {
        ids.push(org.repository_id(name).await.to_string());
    }
    let Org { app, jar, host } = &org;
    let label_calls = ids.iter().map(|id| {
        let mut jar = jar.clone();
        async move {
            app.call(
                host,
                "set_repository_labels",
                &[("id", id), ("labels", "hot")],
                Some(&mut jar),
            )
            .await
        }
    });
    let mut rule_jar = jar.clone();
    let rule_fields = [("team_id", team.as_str()), ("pattern", "svc-")];
    let rule_call = app.call(host, "add_pattern_rule", &rule_fields, Some(&mut rule_jar));
    let (labelled, rule) = tokio::join!(futures::future::join_all(label_calls), rule_call);
    assert_eq!(rule.status, 200, "{}", rule.body);
    for response in labelled {
        assert_eq!(response.status, 200, "{}", response.body);
    }
    for name in &names {
        assert_eq!(
            org.teams_of(name).await,
            ["Core: name matches svc-; label hot"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn without_javascript_the_wizard_moves_between_steps_and_adds_teams() {
    let mut org = Org::new(Backend::Sqlite).await;
    let host = org.host.clone();
    let from = "/onboarding?step=teams";
    let added = org
        .app
        .post_form_from(
            &host,
            from,
            "add_team",
            &[("name", "Platform")],
            Some(&mut org.jar),
        )
        .await;
    assert_eq!(added.status, 302, "{}", added.body);
    assert!(
        added.header("location").unwrap().ends_with(from),
        "{added:?}"
    );
    let page = org.app.get(&host, from, Some(&mut org.jar)).await;
    assert!(
        page.body.contains(r#"class="name">Platform</span>"#),
        "{}",
        page.body
    );

    let next = org
        .app
        .post_form_from(
            &host,
            from,
            "onboarding_step",
            &[("step", "repositories")],
            Some(&mut org.jar),
        )
        .await;
    assert_eq!(next.status, 302, "{}", next.body);
    assert_eq!(
        next.header("location"),
        Some("/onboarding?step=repositories")
    );
    let page = org.app.get(&host, "/onboarding", Some(&mut org.jar)).await;
    assert!(
        page.body.contains("Step 2 of 4: Repositories"),
        "{}",
        page.body
    );
    let done = org
        .app
        .post_form_from(
            &host,
            "/onboarding?step=review",
            "end_onboarding",
            &[("how", "finished")],
            Some(&mut org.jar),
        )
        .await;
    assert_eq!(done.header("location"), Some("/"));
}

#[tokio::test]
async fn a_viewer_sees_the_catalog_pages_without_their_forms() {
    let mut org = Org::new(Backend::Sqlite).await;
    org.team("Payments").await;
    org.ok::<app::model::mapping::Label>("add_label", &[("name", "backend")])
        .await;
    let mut viewer = org.app.signed_in_as("acme", app::model::Role::Viewer).await;
    for (path, shown, form) in [
        ("/teams", "Payments", r#"data-testid="add-team""#),
        ("/labels", "backend", r#"data-testid="add-label""#),
        (
            "/rules",
            "No rules yet.",
            r#"data-testid="add-pattern-rule""#,
        ),
        (
            "/repositories",
            "0 of 0 repositories",
            r#"data-testid="paste-repositories""#,
        ),
    ] {
        let owner_page = org.app.get(&org.host, path, Some(&mut org.jar)).await;
        assert!(
            owner_page.body.contains(form),
            "{path}: {}",
            owner_page.body
        );
        let page = org.app.get(&org.host, path, Some(&mut viewer)).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains(shown), "{path}: {}", page.body);
        assert!(!page.body.contains(form), "{path}: {}", page.body);
        assert!(!page.body.contains("Rename or remove"), "{path}");
    }

    // A repository's own page: its labels and exclusions as text.
    let platform = org.team("Platform").await.to_string();
    let repo: app::model::repositories::RepositoryRow =
        org.ok("add_repository", &[("name", "acme/api")]).await;
    let id = repo.id.to_string();
    org.ok::<Vec<String>>(
        "set_repository_labels",
        &[("id", &id), ("labels", "backend")],
    )
    .await;
    org.ok::<()>(
        "decide_repository",
        &[("id", &id), ("team_id", &platform), ("decision", "exclude")],
    )
    .await;
    let path = format!("/repositories/{id}");
    let forms = [
        r#"data-testid="labels-form""#,
        "Decide by hand",
        r#"data-testid="remove-repository""#,
    ];
    let owner_page = org.app.get(&org.host, &path, Some(&mut org.jar)).await;
    for form in forms {
        assert!(
            owner_page.body.contains(form),
            "{form}: {}",
            owner_page.body
        );
    }
    let page = org.app.get(&org.host, &path, Some(&mut viewer)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("acme/api"), "{}", page.body);
    for form in forms {
        assert!(!page.body.contains(form), "{form}: {}", page.body);
    }
    // The element's text, hydration markers and all.
    let text_of = |testid: &str| {
        let start = page
            .body
            .find(&format!(r#"data-testid="{testid}""#))
            .unwrap_or_else(|| panic!("no {testid}: {}", page.body));
        let end = start + page.body[start..].find("</p>").unwrap();
        page.body[start..end].to_string()
    };
    assert!(text_of("labels").contains("backend"), "{}", page.body);
    assert!(text_of("excluded").contains("Platform"), "{}", page.body);
    assert!(!text_of("excluded").contains("Payments"), "{}", page.body);
}
