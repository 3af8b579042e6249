//! Server functions: thin adapters that resolve the request's context, call
//! one service and return a DTO. Their bodies run only on the server; the
//! browser gets a generated client for each.

pub mod audit;
pub mod auth;
pub mod invitations;
pub mod members;
pub mod recovery;
pub mod signup;
pub mod site;
pub mod teams;

pub use audit::GetAuditLog;
pub use auth::{GetAccount, LogIn, LogOut, LogOutEverywhere, OpenOrganization, ResendVerification};
pub use invitations::{
    AcceptInvitation, GetInvitation, GetInvitations, InviteMember, ResendInvitation,
    RevokeInvitation,
};
pub use members::{ChangeMemberRoles, GetMembers, LeaveOrganization, RemoveMembers};
pub use recovery::{FindOrganizations, RequestPasswordReset, ResetPassword};
pub use signup::{CheckSubdomain, SignUp};
pub use site::GetSite;
pub use teams::{AddTeam, TenantHomeData};
