//! Invitations to join an organization, as the members page and the
//! invitation page show them.

use super::access::Role;
use serde::{Deserialize, Serialize};

/// The members page's query parameter naming the invitation a form posted
/// without JavaScript just sent (`api::invitations::invite_member`).
pub const INVITED_PARAMETER: &str = "invited";

/// A pending invitation on the members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// When the current link was sent, `YYYY-MM-DD`.
    pub sent: String,
    /// When it stops working, `YYYY-MM-DD`.
    pub expires: String,
    /// The link no longer works; resending makes a new one.
    pub expired: bool,
}

/// What the invitation page shows the person invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationOffer {
    pub org_name: String,
    pub email: String,
    pub role: Role,
    /// The email already has an account: its password joins; otherwise a
    /// new password creates the account.
    pub account_exists: bool,
}
