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

/// Invitations one bulk change may take at once: each resend mails, within
/// the request's time.
pub const BULK_AT_MOST: usize = 50;

/// A change made to several pending invitations at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkAction {
    /// New links, seven more days, mailed again.
    Resend,
    /// The links stop working.
    Revoke,
}

impl BulkAction {
    pub fn as_str(self) -> &'static str {
        match self {
            BulkAction::Resend => "resend",
            BulkAction::Revoke => "revoke",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "resend" => Some(BulkAction::Resend),
            "revoke" => Some(BulkAction::Revoke),
            _ => None,
        }
    }

    /// What it did to one invitation, in the past tense ("resent").
    pub fn done(self) -> &'static str {
        match self {
            BulkAction::Resend => "resent",
            BulkAction::Revoke => "revoked",
        }
    }
}

/// What a bulk change did to each invitation it was asked to change, in
/// the order asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub action: BulkAction,
    pub rows: Vec<BulkRow>,
}

impl BulkOutcome {
    /// How many were changed.
    pub fn done(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.outcome == RowOutcome::Done)
            .count()
    }
}

/// One invitation of a bulk change, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRow {
    pub id: i64,
    /// Empty when the id names no invitation of this organization.
    pub email: String,
    pub outcome: RowOutcome,
}

/// What became of one invitation of a bulk change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    Done,
    /// Accepted or withdrawn meanwhile, or not an invitation of this
    /// organization.
    NotPending,
    /// An owner's invitation, which only owners change.
    OwnersOnly,
    /// This address was mailed too often lately.
    Limited,
    /// The mail could not be sent: the old link stays.
    MailFailed,
}

impl RowOutcome {
    /// Why an invitation was left as it was, for the page.
    pub fn reason(self) -> &'static str {
        match self {
            RowOutcome::Done => "",
            RowOutcome::NotPending => "accepted or withdrawn meanwhile",
            RowOutcome::OwnersOnly => "only owners change an owner's invitation",
            RowOutcome::Limited => "mailed too often lately: try again later",
            RowOutcome::MailFailed => "the email could not be sent: the old link still works",
        }
    }
}
