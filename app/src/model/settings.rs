//! An organization's settings page.

use serde::{Deserialize, Serialize};

/// What the settings page shows and lets its reader change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    pub name: String,
    pub slug: String,
    /// The organization's address, `SLUG.BASE`.
    pub host: String,
    /// Whether the reader may delete the organization (owners only).
    pub may_delete: bool,
    /// Days an owner can restore it after deleting it.
    pub grace_days: u32,
}

/// Set in the settings page's address when a rename posted without
/// JavaScript went through, so the page says "Saved.".
pub const SAVED_PARAMETER: &str = "saved";
