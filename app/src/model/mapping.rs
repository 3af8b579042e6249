//! Labels, mapping rules and assignments as pages and the API see them.

use serde::{Deserialize, Serialize};

/// Longest label, in characters.
pub const MAX_LABEL_LEN: usize = 50;
/// Most labels one repository may carry.
pub const MAX_LABELS_PER_REPOSITORY: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub id: i64,
    pub name: String,
    /// How many repositories carry it.
    pub repository_count: u64,
}

/// What a rule looks for; in JSON, `{"pattern"}` or `{"label_id", "label"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RuleTarget {
    /// A regular expression found anywhere in the repository's name.
    Pattern { pattern: String },
    /// A label the repository carries.
    Label { label_id: i64, label: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
