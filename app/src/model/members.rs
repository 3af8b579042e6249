//! An organization's members, as the members page shows them.

use super::access::Role;
use serde::{Deserialize, Serialize};

/// Most members one bulk action changes at once.
pub const MAX_BULK: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    /// When they joined, `YYYY-MM-DD` (UTC).
    pub joined: String,
    /// This is the member looking at the page.
    pub you: bool,
}

/// One page of the members matching a search, and what the viewer may do
/// with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub members: Vec<Member>,
    /// Members in the organization, whatever the filter.
    pub total: u64,
    /// Members matching the filter, on every page.
    pub matching: u64,
    /// This page (from 1) and how many there are (at least 1).
    pub page: u64,
    pub pages: u64,
    pub your_role: Role,
}

/// Members a page of the list shows.
pub const MEMBERS_PAGE: u64 = 50;

/// The order of the members list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberSort {
    /// Owners first, then admins, members and viewers; by email within.
    #[default]
    Role,
    Email,
    /// The latest to join first.
    Newest,
}

impl MemberSort {
    pub const ALL: [MemberSort; 3] = [MemberSort::Role, MemberSort::Email, MemberSort::Newest];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberSort::Role => "role",
            MemberSort::Email => "email",
            MemberSort::Newest => "newest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MemberSort::Role => "Role",
            MemberSort::Email => "Email",
            MemberSort::Newest => "Newest first",
        }
    }

    /// The order `text` names; anything else is the default.
    pub fn parse(text: &str) -> MemberSort {
        MemberSort::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .unwrap_or_default()
    }
}

/// Which members a role change or removal is about: user ids, as a form
/// sends them (`3,4,9`; repeated keys arrive joined the same way).
pub fn parse_ids(text: &str) -> Option<Vec<i64>> {
    let mut ids = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id = part.parse::<i64>().ok()?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_a_comma_separated_list_without_duplicates() {
        assert_eq!(parse_ids("3, 4,3,,9"), Some(vec![3, 4, 9]));
        assert_eq!(parse_ids(""), Some(vec![]));
        assert_eq!(parse_ids("3,x"), None);
    }
}
