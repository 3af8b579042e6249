//! Notifications by email: the kinds there are, and what the notification
//! pages show. Mail a person asks for (confirming an address, resetting a
//! password, the list of their organizations) and invitations to people
//! who are not members are no notification: they always go.

use serde::{Deserialize, Serialize};

/// A kind of notification a member may get, or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// Someone changed the member's role, or removed them.
    MembershipChanges,
    /// Someone the member invited joined.
    InvitationsAccepted,
    /// Once a week: what changed in the organization, what is left to do.
    WeeklyDigest,
}

impl Kind {
    pub const ALL: [Kind; 3] = [
        Kind::MembershipChanges,
        Kind::InvitationsAccepted,
        Kind::WeeklyDigest,
    ];

    /// Its name in forms, links and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::MembershipChanges => "membership_changes",
            Kind::InvitationsAccepted => "invitations_accepted",
            Kind::WeeklyDigest => "weekly_digest",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::MembershipChanges => "Changes to your role",
            Kind::InvitationsAccepted => "Invitations you sent",
            Kind::WeeklyDigest => "Weekly summary",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Kind::MembershipChanges => {
                "When someone gives you another role in the organization, or removes you from it."
            }
            Kind::InvitationsAccepted => "When someone you invited joins the organization.",
            Kind::WeeklyDigest => {
                "Once a week: how much changed in the organization, and what is left to do."
            }
        }
    }

    /// Tenantry's default, until the organization sets its own: what
    /// happened to the member, yes; a summary, only when asked for.
    pub fn default_enabled(self) -> bool {
        !matches!(self, Kind::WeeklyDigest)
    }
}

/// A member's choice for a kind: the organization's default, or their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Choice {
    Default,
    On,
    Off,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Default, Choice::On, Choice::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Default => "default",
            Choice::On => "on",
            Choice::Off => "off",
        }
    }

    pub fn parse(text: &str) -> Option<Choice> {
        Choice::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// What the member chose themselves: `None` for the default.
    pub fn own(self) -> Option<bool> {
        match self {
            Choice::Default => None,
            Choice::On => Some(true),
            Choice::Off => Some(false),
        }
    }

    pub fn of(own: Option<bool>) -> Choice {
        match own {
            None => Choice::Default,
            Some(true) => Choice::On,
            Some(false) => Choice::Off,
        }
    }
}

/// One kind on the notification pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindSetting {
    pub kind: Kind,
    /// The organization's default.
    pub default: bool,
    /// The member's own choice (on the member's page).
    pub choice: Choice,
}

/// A member's notification page, and the organization's defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub kinds: Vec<KindSetting>,
    /// Whether the reader may set the organization's defaults.
    pub admin: bool,
}

/// Set in the notification page's address after a form posted without
/// JavaScript went through.
pub const SAVED_PARAMETER: &str = "saved";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_choices_read_back_what_they_write() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        for choice in Choice::ALL {
            assert_eq!(Choice::parse(choice.as_str()), Some(choice));
            assert_eq!(Choice::of(choice.own()), choice);
        }
        assert_eq!(Kind::parse("weekly"), None);
        assert_eq!(Choice::parse("maybe"), None);
    }
}
