//! The engine's rules, overrides and reasons, and its bound on hostile
//! pattern sets.

use super::*;

fn repo(id: i64, name: &str, labels: &[&str]) -> Repository {
    Repository {
        id,
        name: name.to_owned(),
        labels: labels.iter().map(|l| (*l).to_owned()).collect(),
    }
}

fn pattern(id: i64, team_id: i64, p: &str) -> Rule {
    Rule {
        id,
        team_id,
        matcher: Matcher::Pattern(p.to_owned()),
    }
}

fn label(id: i64, team_id: i64, l: &str) -> Rule {
    Rule {
        id,
        team_id,
        matcher: Matcher::Label(l.to_owned()),
    }
}

/// `(repository, team)` pairs of an assignment list.
fn pairs(assignments: &[Assignment]) -> Vec<(i64, i64)> {
    assignments
        .iter()
        .map(|a| (a.repository_id, a.team_id))
        .collect()
}

#[test]
fn patterns_labels_and_reasons() {
    let engine = Engine::new(&[
        pattern(1, 10, "^acme/pay"),
        pattern(2, 20, "(api|web)$"),
        label(3, 30, "Frontend"),
        pattern(4, 20, "WEB"),
    ])
    .unwrap();
    let repositories = [
        repo(3, "acme/web", &["frontend"]),
        repo(1, "acme/payments", &[]),
        repo(2, "acme/payments-api", &["backend"]),
        repo(4, "other/tools", &[]),
    ];
    let result = engine.assign(&repositories, &[]);
    assert_eq!(
        pairs(&result),
        [(1, 10), (2, 10), (2, 20), (3, 20), (3, 30)]
    );
    let web = result
        .iter()
        .find(|a| (a.repository_id, a.team_id) == (3, 20))
        .unwrap();
    // Case-insensitive by default, and every rule that matched is a reason.
    assert_eq!(
        web.reasons,
        [
            Reason::Pattern { rule_id: 2 },
            Reason::Pattern { rule_id: 4 }
        ]
    );
    let frontend = result.iter().find(|a| a.team_id == 30).unwrap();
    assert_eq!(
        frontend.reasons,
        [Reason::Label {
            rule_id: 3,
            label: "frontend".to_owned()
        }]
    );
}

#[test]
fn manual_assignments_add_and_exclusions_win() {
    let engine = Engine::new(&[pattern(1, 10, "acme/")]).unwrap();
    let repositories = [
        repo(1, "acme/a", &[]),
        repo(2, "acme/b", &[]),
        repo(3, "x/c", &[]),
    ];
    let result = engine.assign(
        &repositories,
        &[
            Override::Exclude {
                repository_id: 1,
                team_id: 10,
            },
            Override::Assign {
                repository_id: 3,
                team_id: 10,
            },
            Override::Assign {
                repository_id: 2,
                team_id: 10,
            },
            // Both on one pair: the exclusion wins.
            Override::Assign {
                repository_id: 3,
                team_id: 20,
            },
            Override::Exclude {
                repository_id: 3,
                team_id: 20,
            },
        ],
    );
    assert_eq!(pairs(&result), [(2, 10), (3, 10)]);
    assert_eq!(
        result[0].reasons,
        [Reason::Manual, Reason::Pattern { rule_id: 1 }]
    );
    assert_eq!(result[1].reasons, [Reason::Manual]);
}

#[test]
fn the_result_does_not_depend_on_input_order() {
    let rules = [pattern(1, 1, "a"), label(2, 2, "x"), pattern(3, 3, "b")];
    let repositories = [repo(2, "ab", &["x"]), repo(1, "ba", &["X"])];
    let forward = Engine::new(&rules).unwrap().assign(&repositories, &[]);
    let mut reversed_rules = rules.to_vec();
    reversed_rules.reverse();
    let mut reversed_repositories = repositories.to_vec();
    reversed_repositories.reverse();
    let backward = Engine::new(&reversed_rules)
        .unwrap()
        .assign(&reversed_repositories, &[]);
    assert_eq!(forward, backward);
}

#[test]
fn patterns_are_checked_with_a_message_for_the_field() {
    assert!(compile_pattern("^acme/(api|web)$").is_ok());
    assert!(compile_pattern("   ")
        .unwrap_err()
        .starts_with("Enter a pattern"));
    let unclosed = compile_pattern("acme/(api").unwrap_err();
    assert!(
        unclosed.starts_with("This is not a valid pattern"),
        "{unclosed}"
    );
    assert!(compile_pattern(&"a".repeat(MAX_PATTERN_LEN + 1))
        .unwrap_err()
        .contains("at most"));
    for hidden in ["a\u{0}b", "api\u{202E}", "\u{7}"] {
        assert!(compile_pattern(hidden)
            .unwrap_err()
            .starts_with("Remove control and invisible characters"));
    }
    assert!(compile_pattern(r"a\x00b").is_ok(), "as an escape it may");
    // Would compile to a huge program: refused, not run.
    let huge = compile_pattern(r"(\w{50}){50}").unwrap_err();
    assert!(huge.contains("too large"), "{huge}");
    let error = Engine::new(&[pattern(7, 1, "a("), pattern(8, 1, "b")])
        .err()
        .unwrap();
    assert_eq!(error.rule_id, 7);
}

#[test]
fn the_preview_lists_what_a_pattern_matches() {
    let names = vec![
        "acme/api".to_owned(),
        "acme/web".to_owned(),
        "x/api".to_owned(),
    ];
    let pattern = compile_pattern("api$").unwrap();
    assert_eq!(Engine::preview(&pattern, &names), ["acme/api", "x/api"]);
}

/// The teams of each repository, matched rule by rule with `compile_pattern`
/// alone: the answer any way of matching must give.
fn reference(rules: &[Rule], repositories: &[Repository]) -> Vec<(i64, i64)> {
    let patterns: Vec<(Regex, i64)> = rules
        .iter()
        .filter_map(|rule| match &rule.matcher {
            Matcher::Pattern(p) => Some((compile_pattern(p).unwrap(), rule.team_id)),
            Matcher::Label(_) => None,
        })
        .collect();
    let mut out = Vec::new();
    for r in repositories {
        let mut teams: Vec<i64> = patterns
            .iter()
            .filter(|(regex, _)| regex.is_match(&r.name))
            .map(|(_, team_id)| *team_id)
            .collect();
        teams.sort();
        teams.dedup();
        out.extend(teams.into_iter().map(|t| (r.id, t)));
    }
    out.sort();
    out
}

#[test]
fn usual_rules_are_matched_in_one_pass() {
    let rules: Vec<Rule> = (0..150)
        .map(|i| pattern(i, i % 25, &format!("^org-{}/area{}", i % 40, i % 12)))
        .collect();
    let repositories: Vec<Repository> = (0..500)
        .map(|i| repo(i, &format!("org-{}/area{}-api-{i}", i % 40, i % 12), &[]))
        .collect();
    let engine = Engine::new(&rules).unwrap();
    let (assignments, rule_by_rule) = engine.assign_telling(&repositories, &[]);
    assert!(!rule_by_rule);
    assert_eq!(pairs(&assignments), reference(&rules, &repositories));
}

#[test]
fn a_hostile_set_of_patterns_is_matched_rule_by_rule_with_the_same_answer() {
    // Each pattern compiles alone in a millisecond; two hundred together
    // made `RegexSet` thousands of times slower (SECURITY.md H3). Whatever
    // the engine does with them, the answer is the rule-by-rule one, and
    // for Unicode classes, whose DFA states outgrow the cache, it is
    // matched rule by rule.
    let long = "payments-service-backend".repeat(7);
    for (shape, must_give_up) in [
        ("(.*a){20}", false),
        (r"\w{5}", true),
        ("[^x]*[^y]{90}z", false),
    ] {
        let rules: Vec<Rule> = (0..200)
            .map(|i| pattern(i, i % 25, &format!("{shape}{i}")))
            .collect();
        let mut repositories: Vec<Repository> = (0..300)
            .map(|i| repo(i, &format!("acme/{long}-{i}"), &[]))
            .collect();
        // Names that some of the patterns do match.
        repositories.push(repo(1_000, &format!("{}7", "a".repeat(25)), &[]));
        repositories.push(repo(1_001, &format!("{}z42", "b".repeat(100)), &[]));
        let engine = Engine::new(&rules).unwrap();
        let (assignments, rule_by_rule) = engine.assign_telling(&repositories, &[]);
        if must_give_up {
            assert!(
                rule_by_rule,
                "{shape}: the combined pass should have given up"
            );
        }
        assert_eq!(
            pairs(&assignments),
            reference(&rules, &repositories),
            "{shape}"
        );
        assert!(!assignments.is_empty(), "{shape}: some names match");
    }
}
