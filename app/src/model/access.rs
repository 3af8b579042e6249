//! Roles and permissions: who may do what in an organization.
//!
//! The grant table ([`Role::grants`]) is the only place that says which role
//! may do what; the server checks it in one place
//! (`server::context::require`), and pages read it only to hide buttons a
//! member cannot use.

use serde::{Deserialize, Serialize};

/// A member's role in one organization, from most to least powerful (the
/// order `Ord` follows). On the server it is also the column type of every
/// table that stores a role, as [`Role::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "owner"))]
    Owner,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "member"))]
    Member,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "viewer"))]
    Viewer,
}

/// Something a member may be allowed to do in their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// See the organization's pages: teams, repositories, members.
    ViewOrganization,
    /// Add, rename and remove teams.
    ManageTeams,
    /// Link repositories, edit labels and mapping rules.
    ManageRepositories,
    /// Invite people, change roles below owner, remove members.
    ManageMembers,
    /// Change the organization's settings.
    ManageSettings,
    /// Read and export the audit log.
    ViewAuditLog,
    /// Make someone an owner, or change or remove an owner.
    ManageOwners,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Viewer];

    /// The grant table. Each role has every permission of the roles below it.
    pub const fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ViewOrganization => true,
            ManageTeams | ManageRepositories => !matches!(self, Role::Viewer),
            ManageMembers | ManageSettings | ViewAuditLog => {
                matches!(self, Role::Owner | Role::Admin)
            }
            ManageOwners => matches!(self, Role::Owner),
        }
    }

    /// The less powerful of the two.
    pub fn lower(self, other: Role) -> Role {
        self.max(other)
    }

    /// Whether someone with this role may give `target` to a member, or
    /// change a member who has `target` now. Only owners touch owners.
    pub const fn may_assign(self, target: Role) -> bool {
        match target {
            Role::Owner => self.grants(Permission::ManageOwners),
            _ => self.grants(Permission::ManageMembers),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Member => "Member",
            Role::Viewer => "Viewer",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Permission {
    pub const ALL: [Permission; 7] = [
        Permission::ViewOrganization,
        Permission::ManageTeams,
        Permission::ManageRepositories,
        Permission::ManageMembers,
        Permission::ManageSettings,
        Permission::ViewAuditLog,
        Permission::ManageOwners,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_higher_role_has_every_permission_of_a_lower_one() {
        for pair in Role::ALL.windows(2) {
            let (higher, lower) = (pair[0], pair[1]);
            for permission in Permission::ALL {
                assert!(
                    !lower.grants(permission) || higher.grants(permission),
                    "{lower:?} may {permission:?} but {higher:?} may not"
                );
            }
        }
    }

    #[test]
    fn the_grant_table() {
        use Permission::*;
        let table = [
            (Role::Viewer, vec![ViewOrganization]),
            (
                Role::Member,
                vec![ViewOrganization, ManageTeams, ManageRepositories],
            ),
            (
                Role::Admin,
                vec![
                    ViewOrganization,
                    ManageTeams,
                    ManageRepositories,
                    ManageMembers,
                    ManageSettings,
                    ViewAuditLog,
                ],
            ),
            (Role::Owner, Permission::ALL.to_vec()),
        ];
        for (role, granted) in table {
            for permission in Permission::ALL {
                assert_eq!(
                    role.grants(permission),
                    granted.contains(&permission),
                    "{role:?} / {permission:?}"
                );
            }
        }
    }

    #[test]
    fn only_owners_make_or_change_owners() {
        assert!(Role::Owner.may_assign(Role::Owner));
        assert!(!Role::Admin.may_assign(Role::Owner));
        assert!(Role::Admin.may_assign(Role::Admin));
        assert!(Role::Admin.may_assign(Role::Viewer));
        assert!(!Role::Member.may_assign(Role::Viewer));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
