//! What the log-in and account pages show.

use super::access::Role;
use serde::{Deserialize, Serialize};

/// Other organizations a tenant page's account menu lists at most; all of
/// them are on the apex's organizations page.
pub const MENU_ORGANIZATIONS: u64 = 8;

/// One organization a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub slug: String,
    pub name: String,
    pub role: Role,
    /// `active`, `suspended`, `provisioning`.
    pub status: String,
}

/// The signed-in user and where they can go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub email: String,
    /// By name: all of them on the apex, the first few in a tenant's
    /// account menu.
    pub organizations: Vec<Organization>,
    /// How many organizations the user has in all.
    pub total: u64,
    /// The organization of the host the page is on; `None` on the apex.
    pub current: Option<String>,
    /// The page that lists every one of them.
    pub all_at: String,
    /// Organizations the user owns that an owner deleted, which they can
    /// still restore (on the apex's page; empty in a tenant's menu).
    #[serde(default)]
    pub restorable: Vec<RestorableOrganization>,
}

/// A deleted organization its owner can still bring back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorableOrganization {
    pub slug: String,
    pub name: String,
    /// The day it is erased for good (`YYYY-MM-DD`, UTC).
    pub purged_on: String,
}

/// What every page of an organization's host shows around its own content:
/// the organization, who is signed in with which role, and their account
/// menu. Read once per page view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgShell {
    pub org_name: String,
    /// The organization's logo's address, if it has one.
    pub logo: Option<String>,
    pub email: String,
    pub role: Role,
    /// Whether the member has confirmed their email address.
    pub email_verified: bool,
    pub account: Account,
}

impl OrgShell {
    /// Whether the member's role grants `permission` (pages show only the
    /// forms it grants; the server checks every change again).
    pub fn may(&self, permission: super::access::Permission) -> bool {
        self.role.grants(permission)
    }
}
