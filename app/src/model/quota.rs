//! What one organization may hold (the security review's L11): caps that
//! keep one tenant from growing without bound on a database server it
//! shares, each checked when something is created, in the transaction that
//! creates it and under the organization's change lock, so that parallel
//! creates cannot pass it. They hold on every plan: a plan's limits
//! ([`super::plans`]) are at most these.

/// A cap on how many of one kind of thing an organization holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub max: u64,
    /// What it counts, in the plural ("teams").
    pub noun: &'static str,
}

pub const TEAMS: Quota = Quota {
    max: 1_000,
    noun: "teams",
};

pub const REPOSITORIES: Quota = Quota {
    max: 20_000,
    noun: "repositories",
};

pub const LABELS: Quota = Quota {
    max: 1_000,
    noun: "labels",
};

/// All rules, label rules included; pattern rules have a lower cap of their
/// own ([`super::mapping::MAX_PATTERN_RULES`]), set by what they cost.
pub const RULES: Quota = Quota {
    max: 1_000,
    noun: "rules",
};

/// Members and pending invitations together.
pub const MEMBERS: Quota = Quota {
    max: 10_000,
    noun: "members and invitations",
};

/// Tokens not revoked.
pub const API_TOKENS: Quota = Quota {
    max: 100,
    noun: "API tokens",
};

/// How many organizations one account may own (sign-up adds one to an
/// existing account).
pub const OWNED_ORGANIZATIONS: u64 = 10;

/// A cap a create checks: a technical [`Quota`], or a plan's
/// ([`super::plans::Cap`]), which also names the plan when full.
pub trait Limit {
    /// How many more fit beside the `used` ones.
    fn room(&self, used: u64) -> u64;
    /// What the user reads when there is no room left.
    fn reached(&self) -> String;
}

impl Limit for Quota {
    fn room(&self, used: u64) -> u64 {
        self.max.saturating_sub(used)
    }

    fn reached(&self) -> String {
        format!(
            "This organization has {} {}, the most it may have. Remove some first.",
            thousands(self.max),
            self.noun
        )
    }
}

/// `20000` as `20,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_never_goes_below_none_and_the_message_names_the_cap() {
        assert_eq!(TEAMS.room(0), 1_000);
        assert_eq!(TEAMS.room(999), 1);
        assert_eq!(TEAMS.room(1_000), 0);
        assert_eq!(TEAMS.room(5_000), 0);
        assert_eq!(
            REPOSITORIES.reached(),
            "This organization has 20,000 repositories, the most it may have. Remove some first."
        );
        assert_eq!(thousands(100), "100");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
