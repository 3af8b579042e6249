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
//! its reasons sorted. Patterns run on the `regex` crate's engines, whose
//! matching time is linear in the name: a hostile pattern cannot stall the
//! engine, and [`compile_pattern`] bounds its size when it is saved. All
//! pattern rules run together in one pass over a name, and a set of
//! patterns that would make that pass slow is matched rule by rule instead
//! (`patterns`), so the organization's rules together stay linear too.

mod patterns;

use patterns::Patterns;
use regex::{Regex, RegexBuilder};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Longest pattern accepted, in characters.
pub const MAX_PATTERN_LEN: usize = 300;
/// Compiled size one pattern may take (bytes of the regex program).
const PATTERN_SIZE_LIMIT: usize = 256 * 1024;

/// Checks a pattern as it is saved, with a message for the field.
pub fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    let trimmed = pattern.trim();
    if trimmed.is_empty() {
        return Err("Enter a pattern, like ^payments- or (api|web)$.".to_owned());
    }
    if trimmed.chars().count() > MAX_PATTERN_LEN {
        return Err(format!("Use at most {MAX_PATTERN_LEN} characters."));
    }
    if trimmed.chars().any(crate::model::is_hidden) {
        return Err(
            "Remove control and invisible characters: write them as escapes, like \\x00."
                .to_owned(),
        );
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
    patterns: Patterns,
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
        let mut singles = Vec::new();
        let mut pattern_rules = Vec::new();
        let mut label_rules: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        for rule in rules {
            match &rule.matcher {
                Matcher::Pattern(pattern) => {
                    singles.push(compile_pattern(pattern).map_err(|message| RuleError {
                        rule_id: rule.id,
                        message,
                    })?);
                    sources.push(pattern.trim().to_owned());
                    pattern_rules.push((rule.id, rule.team_id));
                }
                Matcher::Label(label) => label_rules
                    .entry(label.trim().to_lowercase())
                    .or_default()
                    .push((rule.id, rule.team_id)),
            }
        }
        Ok(Engine {
            patterns: Patterns::new(&sources, singles),
            pattern_rules,
            label_rules,
        })
    }

    /// The teams of `repositories`, with the manual `overrides`, sorted by
    /// repository and team. Repositories without a team are absent.
    pub fn assign(&self, repositories: &[Repository], overrides: &[Override]) -> Vec<Assignment> {
        self.assign_telling(repositories, overrides).0
    }

    /// [`Engine::assign`], and whether the patterns were matched rule by
    /// rule (the combined pass gave up).
    fn assign_telling(
        &self,
        repositories: &[Repository],
        overrides: &[Override],
    ) -> (Vec<Assignment>, bool) {
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
        let mut matcher = self.patterns.matcher();
        for repository in sorted {
            let mut teams: BTreeMap<i64, BTreeSet<Reason>> = BTreeMap::new();
            for index in matcher.matches(&repository.name) {
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
        (out, matcher.gave_up)
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
mod tests;
