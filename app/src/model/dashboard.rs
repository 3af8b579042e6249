//! The admins' dashboard on an organization's home: counts, activity over
//! time, repositories per team, the latest changes, what setting up left
//! undone, and use of the organization's limits.

use super::audit::AuditEntry;
use serde::{Deserialize, Serialize};

/// Days of activity the dashboard charts, today included.
pub const ACTIVITY_DAYS: u64 = 30;

/// Teams the repositories-per-team chart names; the rest are summed.
pub const CHART_TEAMS: u64 = 10;

/// Latest audit entries the dashboard lists; the audit log has them all.
pub const RECENT_CHANGES: u64 = 5;

/// What an organization's admins see at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub members: u64,
    pub pending_invitations: u64,
    pub teams: u64,
    pub repositories: u64,
    /// Repositories no team owns.
    pub unassigned: u64,
    pub rules: u64,
    pub labels: u64,
    /// Tokens not revoked.
    pub api_tokens: u64,
    /// Changes per day, oldest first: every one of the last
    /// [`ACTIVITY_DAYS`] days (UTC), with no change too.
    pub activity: Vec<Count>,
    /// The teams with the most repositories, most first.
    pub per_team: Vec<Count>,
    /// The other teams, and their repositories together: `None` when every
    /// team is in `per_team`.
    pub other_teams: Option<(u64, u64)>,
    /// The two charts, drawn on the server as SVG (the same numbers as
    /// `activity` and `per_team`, which the page also shows as tables).
    pub activity_chart: String,
    pub per_team_chart: String,
    /// Newest first, at most [`RECENT_CHANGES`].
    pub recent: Vec<AuditEntry>,
    /// Each of the organization's limits, and how much of it is used.
    pub usage: Vec<Usage>,
    /// The plan whose limits `usage` shows, as people read it.
    pub plan: String,
}

/// A labelled number: a day's changes (`label` is the date, `YYYY-MM-DD`)
/// or a team's repositories (`label` is its name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub label: String,
    pub count: u64,
}

/// How much of one limit is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// What is counted, in the plural ("teams").
    pub noun: String,
    pub used: u64,
    pub max: u64,
}

impl Usage {
    /// Used, in whole percent of the limit (100 at or past it).
    pub fn percent(&self) -> u64 {
        if self.max == 0 {
            return 100;
        }
        (self.used.saturating_mul(100) / self.max).min(100)
    }

    /// At 80 % or more: time to act before the limit is reached.
    pub fn is_near(&self) -> bool {
        self.percent() >= 80
    }
}

#[cfg(test)]
mod tests {
    use super::Usage;

    fn usage(used: u64, max: u64) -> Usage {
        Usage {
            noun: "teams".into(),
            used,
            max,
        }
    }

    #[test]
    fn usage_is_near_from_eighty_percent_and_never_past_a_hundred() {
        assert_eq!(usage(0, 1_000).percent(), 0);
        assert!(!usage(799, 1_000).is_near());
        assert!(usage(800, 1_000).is_near());
        assert_eq!(usage(1_500, 1_000).percent(), 100);
        assert_eq!(usage(0, 0).percent(), 100);
    }
}
