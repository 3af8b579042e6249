//! Labels, mapping rules and assignments as pages and the API see them.

use serde::{Deserialize, Serialize};

/// Longest label, in characters.
pub const MAX_LABEL_LEN: usize = 50;
/// Most labels one repository may carry.
pub const MAX_LABELS_PER_REPOSITORY: usize = 20;
/// Pattern rules one organization may have: with the engine's fallback
/// (`org/mapping/engine/patterns.rs`) a recompute costs at most rules ×
/// repositories regex searches, and BENCHMARKS.md measures it at this many.
pub const MAX_PATTERN_RULES: u64 = 200;

/// Why `name` cannot be a label, if it cannot.
pub fn check_label(name: &str) -> Result<(), String> {
    if name.is_empty() {
        Err("Enter a label, like backend.".to_owned())
    } else if name.chars().count() > MAX_LABEL_LEN {
        Err(format!(
            "Use at most {MAX_LABEL_LEN} characters for a label."
        ))
    } else if name.contains(',') {
        Err("A label cannot contain a comma.".to_owned())
    } else if name.chars().any(super::is_hidden) {
        Err("Remove control and invisible characters from the label.".to_owned())
    } else {
        Ok(())
    }
}

/// Comma-separated labels, trimmed, without duplicates (ignoring case the
/// way label names are compared). Linear in the text: the limit is checked
/// while reading, so text with thousands of labels is refused at the 21st
/// distinct one, not after comparing them all with each other.
pub fn parse_labels(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for label in text.split(',').map(str::trim).filter(|l| !l.is_empty()) {
        check_label(label)?;
        let folded = label.to_lowercase();
        if seen.contains(&folded) {
            continue;
        }
        if out.len() == MAX_LABELS_PER_REPOSITORY {
            return Err(format!(
                "Use at most {MAX_LABELS_PER_REPOSITORY} labels on one repository."
            ));
        }
        seen.push(folded);
        out.push(label.to_owned());
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Label {
    pub id: i64,
    pub name: String,
    /// How many repositories carry it.
    pub repository_count: u64,
}

/// What a rule looks for; in JSON, `{"pattern"}` or `{"label_id", "label"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RuleTarget {
    /// A regular expression found anywhere in the repository's name.
    Pattern { pattern: String },
    /// A label the repository carries.
    Label { label_id: i64, label: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = Rule))]
pub struct MappingRule {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    #[serde(flatten)]
    pub target: RuleTarget,
    /// How many repositories it gives to its team now.
    pub repository_count: u64,
}

impl MappingRule {
    pub fn describe(&self) -> String {
        match &self.target {
            RuleTarget::Pattern { pattern } => format!("name matches {pattern}"),
            RuleTarget::Label { label, .. } => format!("label {label}"),
        }
    }
}

/// Why a repository belongs to a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Why {
    /// Someone assigned it by hand.
    Manual,
    Pattern {
        rule_id: i64,
        pattern: String,
    },
    Label {
        rule_id: i64,
        label: String,
    },
}

impl Why {
    pub fn describe(&self) -> String {
        match self {
            Why::Manual => "assigned by hand".to_owned(),
            Why::Pattern { pattern, .. } => format!("name matches {pattern}"),
            Why::Label { label, .. } => format!("label {label}"),
        }
    }
}

/// A team a repository belongs to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Ownership {
    pub team_id: i64,
    pub team_name: String,
    pub why: Vec<Why>,
}

/// A decision made by hand about one repository and one team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The repository belongs to the team whatever the rules say.
    Assign,
    /// The repository never belongs to the team, whatever the rules say.
    Exclude,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Assign => "assign",
            Decision::Exclude => "exclude",
        }
    }

    pub fn parse(text: &str) -> Option<Decision> {
        match text {
            "assign" => Some(Decision::Assign),
            "exclude" => Some(Decision::Exclude),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualDecision {
    pub team_id: i64,
    pub team_name: String,
    pub decision: Decision,
}

/// Which repositories a pattern would match, while it is being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// The first matches, by name.
    pub names: Vec<String>,
    /// How many repositories match in all.
    pub total: u64,
    /// Why the pattern cannot be used, when it cannot.
    pub error: Option<String>,
}

/// The rules page: the rules, and what a new rule can name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesPage {
    pub rules: Vec<MappingRule>,
    pub teams: Vec<super::teams::Team>,
    pub labels: Vec<Label>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_and_deduplicated_ignoring_case() {
        assert_eq!(
            parse_labels(" backend, Backend ,api,,").unwrap(),
            ["backend", "api"]
        );
    }

    #[test]
    fn twenty_labels_pass_and_repeating_them_does_not_count() {
        let twenty: Vec<String> = (0..20).map(|i| format!("l{i}")).collect();
        let text = format!("{0},{0}", twenty.join(","));
        assert_eq!(parse_labels(&text).unwrap(), twenty);
    }

    #[test]
    fn the_label_limit_is_checked_while_reading_not_after() {
        // A 21st distinct label ends the parse: whatever follows it (here
        // a label that would be refused for itself, standing for thousands
        // more) is never read.
        let many: Vec<String> = (0..21).map(|i| format!("l{i}")).collect();
        let text = format!("{},bad\u{7}", many.join(","));
        assert_eq!(
            parse_labels(&text),
            Err("Use at most 20 labels on one repository.".to_owned())
        );
    }
}
