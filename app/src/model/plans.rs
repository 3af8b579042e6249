//! Plans: what an organization may hold, by the plan it is on. The
//! operator defines them (`TENANTRY_PLANS`, a TOML file; without one, the
//! three of [`builtin`]) and which one new organizations get
//! (`TENANTRY_DEFAULT_PLAN`). A plan's limit never passes the technical cap
//! of the same kind ([`super::quota`]), which holds on every plan.

use super::quota::{self, thousands, Quota};
use serde::{Deserialize, Serialize};

/// What a plan limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resource {
    /// Members and pending invitations together (an invitation holds its
    /// seat until it is accepted or withdrawn).
    Members,
    Repositories,
    Teams,
    Rules,
    ApiTokens,
}

impl Resource {
    pub const ALL: [Resource; 5] = [
        Resource::Members,
        Resource::Repositories,
        Resource::Teams,
        Resource::Rules,
        Resource::ApiTokens,
    ];

    /// The technical cap of its kind, whatever the plan.
    pub fn cap(self) -> Quota {
        match self {
            Resource::Members => quota::MEMBERS,
            Resource::Repositories => quota::REPOSITORIES,
            Resource::Teams => quota::TEAMS,
            Resource::Rules => quota::RULES,
            Resource::ApiTokens => quota::API_TOKENS,
        }
    }
}

/// A plan's numeric limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLimits {
    pub members: u64,
    pub repositories: u64,
    pub teams: u64,
    pub rules: u64,
    pub api_tokens: u64,
}

/// A plan: its name (as configured and stored), what people read, and its
/// limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub name: String,
    pub label: String,
    pub limits: PlanLimits,
}

impl Plan {
    /// How many of `resource` an organization on this plan may hold: the
    /// plan's limit, never past the technical cap.
    pub fn limit(&self, resource: Resource) -> u64 {
        let l = &self.limits;
        let planned = match resource {
            Resource::Members => l.members,
            Resource::Repositories => l.repositories,
            Resource::Teams => l.teams,
            Resource::Rules => l.rules,
            Resource::ApiTokens => l.api_tokens,
        };
        planned.min(resource.cap().max)
    }

    /// The cap a create checks: this plan's limit of `resource`.
    pub fn cap(&self, resource: Resource) -> Cap {
        Cap {
            quota: Quota {
                max: self.limit(resource),
                noun: resource.cap().noun,
            },
            plan: self.label.clone(),
        }
    }
}

/// A limit as a create checks it, and what it says when there is no room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cap {
    pub quota: Quota,
    /// The plan's label ("Free").
    pub plan: String,
}

impl quota::Limit for Cap {
    fn room(&self, used: u64) -> u64 {
        self.quota.room(used)
    }

    /// The message at the limit: what, how many, which plan, what to do.
    fn reached(&self) -> String {
        format!(
            "This organization has {} {}, the most the {} plan allows. Remove some, or move \
             the organization to a larger plan.",
            thousands(self.quota.max),
            self.quota.noun,
            self.plan
        )
    }
}

/// What the organization holds of each limited kind.
pub type Used = [(Resource, u64); 5];

/// What `used` has past `plan`'s limits, each in a sentence (empty: it
/// fits): what a move to `plan` must remove first.
pub fn exceeds(plan: &Plan, used: &Used) -> Vec<String> {
    used.iter()
        .filter_map(|(resource, used)| {
            let limit = plan.limit(*resource);
            (*used > limit).then(|| {
                format!(
                    "{} {} (the {} plan allows {}: remove {})",
                    thousands(*used),
                    resource.cap().noun,
                    plan.label,
                    thousands(limit),
                    thousands(used - limit)
                )
            })
        })
        .collect()
}

/// The plan page: the plan the organization is on, its usage, and every
/// plan with what a move there must remove first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPage {
    pub current: String,
    pub usage: Vec<super::dashboard::Usage>,
    pub plans: Vec<PlanOption>,
    /// Whether the reader may change the plan (owners).
    pub owner: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOption {
    pub name: String,
    pub label: String,
    pub limits: PlanLimits,
    pub current: bool,
    /// What exceeds this plan now ([`exceeds`]).
    pub exceeds: Vec<String>,
}

/// The plans on offer, and the one new organizations get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plans {
    all: Vec<Plan>,
    default: usize,
}

impl Plans {
    /// `all` with `default` (a name among them) for new organizations.
    ///
    /// # Errors
    /// No plan, a name twice, or a default that names none, in words.
    pub fn new(all: Vec<Plan>, default: &str) -> Result<Plans, String> {
        if all.is_empty() {
            return Err("define at least one plan".to_owned());
        }
        for (i, plan) in all.iter().enumerate() {
            if plan.name.trim().is_empty() {
                return Err("every plan needs a name".to_owned());
            }
            if all[..i].iter().any(|p| p.name == plan.name) {
                return Err(format!("the plan {:?} is defined twice", plan.name));
            }
        }
        let default = all
            .iter()
            .position(|p| p.name == default)
            .ok_or_else(|| format!("no plan is named {default:?}"))?;
        Ok(Plans { all, default })
    }

    /// The plan named `name`; the default for none, or for a name no
    /// longer defined (an operator removed a plan: its organizations fall
    /// back to the default rather than to no limit).
    pub fn of(&self, name: Option<&str>) -> &Plan {
        name.and_then(|name| self.all.iter().find(|p| p.name == name))
            .unwrap_or(&self.all[self.default])
    }

    /// The cap on `resource` of the plan named `name` ([`Plans::of`]).
    pub fn cap(&self, name: Option<&str>, resource: Resource) -> Cap {
        self.of(name).cap(resource)
    }

    pub fn default_plan(&self) -> &Plan {
        &self.all[self.default]
    }

    pub fn all(&self) -> &[Plan] {
        &self.all
    }
}

impl Default for Plans {
    fn default() -> Self {
        Plans {
            all: builtin(),
            default: 0,
        }
    }
}

/// The plans Tenantry offers when the operator defines none.
pub fn builtin() -> Vec<Plan> {
    let plan = |name: &str, label: &str, limits| Plan {
        name: name.to_owned(),
        label: label.to_owned(),
        limits,
    };
    vec![
        plan(
            "free",
            "Free",
            PlanLimits {
                members: 10,
                repositories: 100,
                teams: 10,
                rules: 25,
                api_tokens: 5,
            },
        ),
        plan(
            "team",
            "Team",
            PlanLimits {
                members: 100,
                repositories: 2_000,
                teams: 200,
                rules: 300,
                api_tokens: 25,
            },
        ),
        plan(
            "enterprise",
            "Enterprise",
            PlanLimits {
                members: quota::MEMBERS.max,
                repositories: quota::REPOSITORIES.max,
                teams: quota::TEAMS.max,
                rules: quota::RULES.max,
                api_tokens: quota::API_TOKENS.max,
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::quota::Limit;

    #[test]
    fn a_plan_never_passes_the_technical_cap_and_says_which_plan_is_full() {
        let free = &builtin()[0];
        assert_eq!(free.limit(Resource::Teams), 10);
        let mut huge = free.clone();
        huge.limits.teams = 1_000_000;
        assert_eq!(huge.limit(Resource::Teams), quota::TEAMS.max);
        assert_eq!(
            free.cap(Resource::Teams).reached(),
            "This organization has 10 teams, the most the Free plan allows. Remove some, or \
             move the organization to a larger plan."
        );
        assert_eq!(free.cap(Resource::Teams).room(7), 3);
    }

    #[test]
    fn plans_need_names_of_their_own_and_a_default_among_them() {
        let plans = Plans::new(builtin(), "team").unwrap();
        assert_eq!(plans.of(None).name, "team");
        assert_eq!(plans.of(Some("free")).name, "free");
        assert_eq!(plans.of(Some("gone")).name, "team");
        assert!(Plans::new(builtin(), "gold").unwrap_err().contains("gold"));
        let mut twice = builtin();
        twice.push(builtin()[0].clone());
        assert!(Plans::new(twice, "free").unwrap_err().contains("twice"));
        assert!(Plans::new(Vec::new(), "free").is_err());
    }
}
