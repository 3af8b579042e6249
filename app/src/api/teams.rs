use crate::model::{
    teams::{Team, TeamRow, TenantHome},
    AppError,
};
use leptos::prelude::*;

/// The organization's home page: its first teams, and to those who run the
/// onboarding wizard the step it is at (the page's shell has the rest).
#[server(endpoint = "tenant_home")]
pub async fn tenant_home_data() -> Result<TenantHome, AppError> {
    use crate::model::{onboarding::Progress, Permission};
    use crate::server::{error::tenant_db, org::teams, web::context};
    let context::Access { ctx, member, .. } =
        context::require(Permission::ViewOrganization).await?;
    let home = teams::home(&ctx.db).await.map_err(tenant_db)?;
    let onboarding = match Progress::from_setting(home.onboarding.as_deref()) {
        Progress::At(step) if member.role.grants(Permission::ManageSettings) => Some(step),
        _ => None,
    };
    Ok(TenantHome {
        team_count: home.team_count,
        teams: home.teams,
        onboarding,
    })
}

/// Adds a team to the current organization.
#[server(endpoint = "add_team")]
pub async fn add_team(name: String) -> Result<Team, AppError> {
    use crate::model::Permission;
    use crate::server::{org::teams, web::context};
    let access = context::require(Permission::ManageTeams).await?;
    let cap = access.cap(crate::model::plans::Resource::Teams);
    teams::add(&access.ctx.db, &access.actor(), &name, &cap).await
}

/// Every team with how many repositories it has.
#[server(endpoint = "teams")]
pub async fn get_teams() -> Result<Vec<TeamRow>, AppError> {
    use crate::model::Permission;
    use crate::server::{error::tenant_db, org::teams, web::context};
    let access = context::require(Permission::ViewOrganization).await?;
    teams::rows(&access.ctx.db).await.map_err(tenant_db)
}

/// Renames the team `id`.
#[server(endpoint = "rename_team")]
pub async fn rename_team(id: i64, name: String) -> Result<Team, AppError> {
    use crate::model::Permission;
    use crate::server::{org::teams, web::context};
    let access = context::require(Permission::ManageTeams).await?;
    teams::rename(&access.ctx.db, &access.actor(), id, &name)
        .await
        .map_err(|e| e.echoing("id", id))
}

/// Removes the team `id`; its repositories stay.
#[server(endpoint = "remove_team")]
pub async fn remove_team(id: i64) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::teams, web::context};
    let access = context::require(Permission::ManageTeams).await?;
    teams::remove(&access.ctx.db, &access.actor(), id).await
}
