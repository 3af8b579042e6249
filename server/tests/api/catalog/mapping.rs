//! The mapping: assignments and their reasons as rules, labels and
//! decisions change, rules refused at their field, and concurrent changes.

use crate::helpers::{Backend, Org};
use app::model::mapping::RulesPage;
use app::model::teams::TeamRow;

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
async fn an_organization_has_at_most_so_many_pattern_rules() {
    use app::model::mapping::MAX_PATTERN_RULES;
    use app::server::entities::tenant::mapping_rules;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let mut org = Org::new(Backend::Sqlite).await;
    let team = org.team("Core").await;
    // All but one, written straight into the organization's database.
    let tenant = org.app.tenant("acme").await.unwrap();
    let db = org.app.tenant_db(&tenant).await;
    mapping_rules::Entity::insert_many((1..MAX_PATTERN_RULES).map(|i| {
        mapping_rules::ActiveModel {
            team_id: Set(team),
            pattern: Set(Some(format!("^svc-{i}-"))),
            label_id: Set(None),
            created_at: Set(0),
            ..Default::default()
        }
    }))
    .exec(&db)
    .await
    .unwrap();
    let team = team.to_string();
    let last = org
        .ok::<i64>(
            "add_pattern_rule",
            &[("team_id", &team), ("pattern", "^last-")],
        )
        .await;
    let beyond = org
        .fails(
            "add_pattern_rule",
            &[("team_id", &team), ("pattern", "^beyond-")],
        )
        .await;
    assert_eq!(
        beyond.field_error("pattern"),
        Some(format!(
            "An organization can have at most {MAX_PATTERN_RULES} pattern rules. \
             Remove one first, or use a label rule."
        ))
    );
    // A label rule still fits, and the last pattern rule can still change.
    org.ok::<i64>(
        "add_label_rule",
        &[("team_id", &team), ("label", "backend")],
    )
    .await;
    org.ok::<()>(
        "update_rule",
        &[
            ("id", &last.to_string()),
            ("team_id", &team),
            ("pattern", "^changed-"),
        ],
    )
    .await;
}
