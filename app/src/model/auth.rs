//! What the log-in and account pages show.

use super::access::Role;
use serde::{Deserialize, Serialize};

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
    pub organizations: Vec<Organization>,
    /// The organization of the host the page is on; `None` on the apex.
    pub current: Option<String>,
}
