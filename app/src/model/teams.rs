use serde::{Deserialize, Serialize};

pub const MAX_TEAM_NAME_LEN: usize = 80;

/// Teams the home page lists at most; all of them are on the teams page.
pub const HOME_TEAMS: u64 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub name: String,
}

/// What a signed-in member sees on their organization's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantHome {
    pub team_count: u64,
    pub teams: Vec<Team>,
    /// The wizard's step to resume at, for those who run it, until it is
    /// finished or skipped.
    pub onboarding: Option<super::onboarding::Step>,
}

/// A team on the teams page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = Team))]
pub struct TeamRow {
    pub id: i64,
    pub name: String,
    /// How many repositories it has now.
    pub repository_count: u64,
}

/// An id typed in a form: `None` when it is empty or not a number.
pub fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse().ok().filter(|id| *id > 0)
}
