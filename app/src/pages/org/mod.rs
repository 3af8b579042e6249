//! Pages on an organization's host `SLUG.BASE`, for its members, each in
//! the shell (`shell::OrgPage`): the home, the admins' dashboard,
//! the onboarding wizard, teams, repositories and the mapping between
//! them, members and invitations, the audit log and API tokens.

pub mod api_tokens;
pub mod audit;
pub mod dashboard;
pub mod domains;
pub mod invitation;
pub mod mapping;
pub mod members;
pub mod notifications;
pub mod onboarding;
pub mod plan;
pub mod repositories;
pub mod repository;
pub mod settings;
pub mod shell;
pub mod teams;
pub mod tenant_home;

pub use api_tokens::ApiTokensPage;
pub use audit::AuditPage;
pub use dashboard::DashboardPage;
pub use domains::DomainsSettingsPage;
pub use invitation::InvitationPage;
pub use mapping::{LabelsPage, RulesPage};
pub use members::MembersPage;
pub use notifications::NotificationsPage;
pub use onboarding::OnboardingPage;
pub use plan::PlanSettingsPage;
pub use repositories::RepositoriesPage;
pub use repository::RepositoryPage;
pub use settings::SettingsPage;
pub use shell::OrgPage;
pub use teams::TeamsPage;
pub use tenant_home::TenantHomePage;
