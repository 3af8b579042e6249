//! Server functions: thin adapters that resolve the request's context, call
//! one service and return a DTO. Their bodies run only on the server; the
//! browser gets a generated client for each.

pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod domains;
pub mod invitations;
pub mod mapping;
pub mod members;
pub mod notifications;
pub mod onboarding;
pub mod plans;
pub mod recovery;
pub mod repositories;
pub mod settings;
pub mod signup;
pub mod site;
pub mod teams;
pub mod tokens;

pub use audit::GetAuditLog;
pub use auth::{
    GetAccount, GetOrgShell, LogIn, LogOut, LogOutEverywhere, OpenOrganization, ResendVerification,
    RestoreOrganization,
};
pub use dashboard::GetDashboard;
pub use domains::{AddDomain, GetDomains, RemoveDomain, VerifyDomain};
pub use invitations::{
    AcceptInvitation, BulkInvitations, GetInvitation, GetInvitations, ImportInvitations,
    ImportInvitationsFile, InviteMember, ResendInvitation, RevokeInvitation,
};
pub use mapping::{
    AddLabel, AddLabelRule, AddPatternRule, GetLabels, GetRules, PreviewPattern, RemoveLabel,
    RemoveRule, RenameLabel, UpdateRule,
};
pub use members::{ChangeMemberRoles, GetMembers, LeaveOrganization, RemoveMembers};
pub use notifications::{GetNotifications, UpdateNotificationDefaults, UpdateNotifications};
pub use onboarding::{EndOnboarding, GetOnboarding, GoToStep};
pub use plans::{ChangePlan, GetPlan};
pub use recovery::{FindOrganizations, RequestPasswordReset, ResetPassword};
pub use repositories::{
    AddRepository, DecideRepository, GetRepositories, GetRepository, PasteRepositories,
    RemoveRepository, RenameRepository, SetRepositoryLabels,
};
pub use settings::{
    DeleteOrganization, GetOrgSettings, RemoveLogo, RenameOrganization, UpdateBranding,
    UpdateDisplay, UploadLogo,
};
pub use signup::{CheckSubdomain, SignUp};
pub use teams::{AddTeam, GetTeams, RemoveTeam, RenameTeam, TenantHomeData};
pub use tokens::{CreateApiToken, GetApiTokens, RevokeApiToken};
