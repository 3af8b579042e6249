//! The organization's audit log, as its page and its CSV export show it.

use serde::{Deserialize, Serialize};

/// One change: who, what, to what, when, from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// `at` as `YYYY-MM-DD HH:MM:SS UTC`.
    pub when: String,
    pub actor_email: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
}

/// Which entries to show. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the actor's email.
    #[serde(default)]
    pub actor: String,
    /// An exact action, such as `team.add`.
    #[serde(default)]
    pub action: String,
    /// First day shown, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub from: String,
    /// Last day shown, `YYYY-MM-DD` (UTC), included.
    #[serde(default)]
    pub to: String,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Every action in the log, for the filter's list.
    pub actions: Vec<String>,
    /// More entries matched than are shown; narrow the filter or export.
    pub truncated: bool,
}
