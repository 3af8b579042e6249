//! The mapping engine: which teams own which repositories, and why.
//!
//! A repository belongs to a team when
//! - a **pattern rule** of that team matches its name (a regular expression,
//!   found anywhere in the name, case-insensitively, unless the pattern says
//!   otherwise with `^`, `$` or `(?-i)`),
//! - a **label rule** of that team names one of its labels (labels compare
//!   case-insensitively), or
//! - someone **assigned** it to the team by hand;
//!
//! unless someone **excluded** it from that team by hand: an exclusion beats
//! every rule and a manual assignment of the same pair.
//!
//! The result is deterministic: sorted by repository, then team, each with
//! its reasons sorted. Patterns run on the `regex` crate, whose matching
//! time is linear in the name: a hostile pattern cannot stall the engine,
//! and [`compile_pattern`] bounds its size when it is saved. All pattern
//! rules run as one `RegexSet`: one pass over a name answers every rule.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Longest pattern accepted, in characters.
pub const MAX_PATTERN_LEN: usize = 300;
/// Compiled size one pattern may take (bytes of the regex program).
const PATTERN_SIZE_LIMIT: usize = 256 * 1024;
/// Compiled size of all the patterns of an organization together.
const SET_SIZE_LIMIT: usize = 64 * 1024 * 1024;

/// Checks a pattern as it is saved, with a message for the field.
pub fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    let trimmed = pattern.trim();
    if trimmed.is_empty() {
        return Err("Enter a pattern, like ^payments- or (api|web)$.".to_owned());
    }
    if trimmed.chars().count() > MAX_PATTERN_LEN {
        return Err(format!("Use at most {MAX_PATTERN_LEN} characters."));
    }
    RegexBuilder::new(trimmed)
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => {
                "This pattern is too large: use fewer or smaller repetitions.".to_owned()
            }
            regex::Error::Syntax(text) => {
                // The crate's message points at the mistake; keep its last
                // line, which says what is wrong.
                let what = text.lines().last().unwrap_or("invalid pattern").trim();
                format!(
                    "This is not a valid pattern: {}",
                    what.trim_start_matches("error: ")
                )
            }
            other => format!("This is not a valid pattern: {other}"),
        })
}

/// A repository as the engine sees it.
#[derive(Clone, Debug)]
pub struct Repository {
    pub id: i64,
    pub name: String,
    pub labels: Vec<String>,
}

/// What a rule looks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Matcher {
    Pattern(String),
    Label(String),
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: i64,
    pub team_id: i64,
    pub matcher: Matcher,
}

/// A decision made by hand about one repository and one team.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Override {
    Assign { repository_id: i64, team_id: i64 },
    Exclude { repository_id: i64, team_id: i64 },
}

/// Why a repository belongs to a team. Stored as JSON with the assignment.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Reason {
    Manual,
    Pattern { rule_id: i64 },
    Label { rule_id: i64, label: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub repository_id: i64,
    pub team_id: i64,
    pub reasons: Vec<Reason>,
}

/// A rule that cannot be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("rule {rule_id}: {message}")]
pub struct RuleError {
    pub rule_id: i64,
    pub message: String,
}

/// An organization's rules, compiled once and applied to any number of
/// repositories.
pub struct Engine {
    patterns: RegexSet,
    /// `(rule id, team id)` of each pattern in `patterns`, by index.
    pattern_rules: Vec<(i64, i64)>,
    /// Lower-cased label → its rules' `(rule id, team id)`.
    label_rules: HashMap<String, Vec<(i64, i64)>>,
}

impl Engine {
    /// Compiles `rules`. A pattern that fails [`compile_pattern`] is an
    /// error naming its rule (saving checks each one first, so this only
    /// happens to data written around that check).
    pub fn new(rules: &[Rule]) -> Result<Engine, RuleError> {
        let mut sources = Vec::new();
        let mut pattern_rules = Vec::new();
        let mut label_rules: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        for rule in rules {
            match &rule.matcher {
                Matcher::Pattern(pattern) => {
                    compile_pattern(pattern).map_err(|message| RuleError {
                        rule_id: rule.id,
                        message,
                    })?;
                    sources.push(pattern.trim().to_owned());
                    pattern_rules.push((rule.id, rule.team_id));
                }
                Matcher::Label(label) => label_rules
                    .entry(label.trim().to_lowercase())
                    .or_default()
                    .push((rule.id, rule.team_id)),
            }
        }
        let patterns = RegexSetBuilder::new(&sources)
            .case_insensitive(true)
            .size_limit(SET_SIZE_LIMIT)
            .build()
            .map_err(|e| RuleError {
                rule_id: pattern_rules.first().map_or(0, |r| r.0),
                message: format!("the rules together are too large: {e}"),
            })?;
        Ok(Engine {
            patterns,
            pattern_rules,
            label_rules,
        })
    }

    /// The teams of `repositories`, with the manual `overrides`, sorted by
    /// repository and team. Repositories without a team are absent.
    pub fn assign(&self, repositories: &[Repository], overrides: &[Override]) -> Vec<Assignment> {
        let mut manual: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut excluded: HashMap<i64, BTreeSet<i64>> = HashMap::new();
        for o in overrides {
            match *o {
                Override::Assign {
                    repository_id,
                    team_id,
                } => manual.entry(repository_id).or_default().push(team_id),
                Override::Exclude {
                    repository_id,
                    team_id,
                } => {
                    excluded.entry(repository_id).or_default().insert(team_id);
                }
            }
        }
        let mut sorted: Vec<&Repository> = repositories.iter().collect();
        sorted.sort_by_key(|r| r.id);
        let mut out = Vec::new();
        for repository in sorted {
            let mut teams: BTreeMap<i64, BTreeSet<Reason>> = BTreeMap::new();
            for index in self.patterns.matches(&repository.name).iter() {
                let (rule_id, team_id) = self.pattern_rules[index];
                teams
                    .entry(team_id)
                    .or_default()
                    .insert(Reason::Pattern { rule_id });
            }
            for label in &repository.labels {
                let key = label.trim().to_lowercase();
                for &(rule_id, team_id) in self.label_rules.get(&key).into_iter().flatten() {
                    teams.entry(team_id).or_default().insert(Reason::Label {
                        rule_id,
                        label: key.clone(),
                    });
                }
            }
            for &team_id in manual.get(&repository.id).into_iter().flatten() {
                teams.entry(team_id).or_default().insert(Reason::Manual);
            }
            if let Some(excluded) = excluded.get(&repository.id) {
                teams.retain(|team_id, _| !excluded.contains(team_id));
            }
            out.extend(teams.into_iter().map(|(team_id, reasons)| Assignment {
                repository_id: repository.id,
                team_id,
                reasons: reasons.into_iter().collect(),
            }));
        }
        out
    }

    /// Which of `names` the pattern rule at `pattern` matches: the live
    /// preview while a rule is typed.
    pub fn preview<'a>(pattern: &Regex, names: &'a [String]) -> Vec<&'a str> {
        names
            .iter()
            .filter(|n| pattern.is_match(n))
            .map(String::as_str)
            .collect()
    }
}

#[cfg(test)]
mod tests {
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
}
