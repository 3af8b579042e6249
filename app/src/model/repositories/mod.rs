//! Repositories as pages and the API see them: a row with its labels and
//! teams, one repository's page, the list's query, sort and page. The parser
//! of pasted lists is in [`list`].

mod list;

pub use list::{
    check_name, line_pattern, parse_line, parse_list, LineError, ParsedList, ParsedRepository,
    MAX_LIST_LINES, MAX_REPOSITORY_NAME_LEN,
};

use serde::{Deserialize, Serialize};

pub use super::MAX_SEARCH_LEN;

/// Why `q` cannot be searched for ([`super::search_problem`]), as a field
/// error on `q`.
pub fn check_search(q: &str) -> Result<(), super::AppError> {
    match super::search_problem(q) {
        Some(problem) => Err(super::AppError::field("q", problem)),
        None => Ok(()),
    }
}

/// A linked repository with its labels and teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = Repository))]
pub struct RepositoryRow {
    pub id: i64,
    pub name: String,
    pub url: Option<String>,
    pub labels: Vec<String>,
    pub teams: Vec<super::mapping::Ownership>,
}

/// One repository's page: its teams and why, and the decisions made by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositoryDetail {
    pub repository: RepositoryRow,
    pub decisions: Vec<super::mapping::ManualDecision>,
    /// Every team of the organization, to assign or exclude.
    pub all_teams: Vec<super::teams::Team>,
}

/// How the repository list is searched, filtered, sorted and paged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositoryQuery {
    /// Part of the name.
    pub q: String,
    /// Only the repositories of this team.
    pub team_id: Option<i64>,
    /// Only the repositories carrying this label.
    pub label: String,
    /// Only the repositories without a team.
    pub unassigned: bool,
    pub sort: Sort,
    /// 1-based.
    pub page: u64,
    /// Repositories a page; 0 for the pages' 50.
    pub per_page: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Name,
    NameDesc,
    Newest,
    Oldest,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Name, Sort::NameDesc, Sort::Newest, Sort::Oldest];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::NameDesc => "-name",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Name => "Name, A to Z",
            Sort::NameDesc => "Name, Z to A",
            Sort::Newest => "Newest first",
            Sort::Oldest => "Oldest first",
        }
    }

    pub fn parse(text: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One page of repositories.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositoryPage {
    pub rows: Vec<RepositoryRow>,
    /// How many match the query in all.
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// How many the organization has, whatever the query.
    pub all: u64,
    /// How many of those have no team.
    pub unassigned: u64,
}
