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

/// Pending invitations a page of the members page lists.
pub const INVITATIONS_PAGE: u64 = 50;

/// The members page's query parameter naming the page of pending
/// invitations (from 1).
pub const INVITATIONS_PAGE_PARAMETER: &str = "invitations_page";

/// A page of the pending invitations, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitations {
    pub invitations: Vec<Invitation>,
    /// This page's number, from 1.
    pub page: u64,
    /// Whether older invitations follow on the next page.
    pub older: bool,
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

/// The largest CSV file of invitations taken: room for [`BULK_AT_MOST`]
/// long lines.
pub const IMPORT_MAX_BYTES: usize = 32 * 1024;

/// Set in the members page's address when a list posted without
/// JavaScript (and every file is) was invited whole: how many.
pub const IMPORTED_PARAMETER: &str = "imported";

/// One invitation of an imported list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLine {
    /// 1-based line number in the list.
    pub line: usize,
    /// The line as it was, to send back if it is refused.
    pub text: String,
    pub email: String,
    pub role: Role,
}

/// An imported list of invitations (pasted, or a CSV file's text): one a
/// line, an address and, after a comma, semicolon or tab, a role (`member`
/// when there is none; names or labels, any case). Blank lines are skipped,
/// and so is a first line naming the columns (`email,role`). Gives the
/// lines to invite and those refused as they are, with the reason; whether
/// an address may be invited is the server's to say.
pub fn parse_import(text: &str) -> (Vec<ImportLine>, Vec<super::repositories::LineError>) {
    use super::repositories::LineError;
    let mut lines = Vec::new();
    let mut refused = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let mut cells = trimmed
            .split([',', ';', '\t'])
            .map(|cell| cell.trim().trim_matches('"').trim());
        let email = super::account::normalize_email(cells.next().unwrap_or_default());
        let role = cells.next().unwrap_or_default().to_lowercase();
        if line == 1 && email == "email" {
            continue;
        }
        let refuse = |message: String| LineError {
            line,
            text: trimmed.to_owned(),
            message,
        };
        if let Err(message) = super::account::check_email(&email) {
            refused.push(refuse(message.to_owned()));
            continue;
        }
        let role = if role.is_empty() {
            Some(Role::Member)
        } else {
            Role::ALL
                .into_iter()
                .find(|r| r.as_str() == role || r.label().to_lowercase() == role)
        };
        let Some(role) = role else {
            refused.push(refuse(
                "The role is not owner, admin, member or viewer.".to_owned(),
            ));
            continue;
        };
        if cells.any(|cell| !cell.is_empty()) {
            refused.push(refuse(
                "Give an address and a role, nothing more.".to_owned(),
            ));
            continue;
        }
        lines.push(ImportLine {
            line,
            text: trimmed.to_owned(),
            email,
            role,
        });
    }
    (lines, refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imported_list_is_read_line_by_line_with_each_refusal_said() {
        let text = "email,role\n\
                    Ann@Example.test\n\
                    \"bob@example.test\";Admin\n\
                    \n\
                    cid@example.test\tviewer\n\
                    not-an-address,member\n\
                    dee@example.test,boss\n\
                    eve@example.test,member,extra\n";
        let (lines, refused) = parse_import(text);
        let got: Vec<(usize, &str, Role)> = lines
            .iter()
            .map(|l| (l.line, l.email.as_str(), l.role))
            .collect();
        assert_eq!(
            got,
            [
                (2, "ann@example.test", Role::Member),
                (3, "bob@example.test", Role::Admin),
                (5, "cid@example.test", Role::Viewer),
            ]
        );
        let refused: Vec<(usize, &str)> =
            refused.iter().map(|e| (e.line, e.text.as_str())).collect();
        assert_eq!(
            refused,
            [
                (6, "not-an-address,member"),
                (7, "dee@example.test,boss"),
                (8, "eve@example.test,member,extra"),
            ]
        );
    }
}
