use crate::model::{
    teams::{Team, TenantHome},
    AppError,
};
use leptos::prelude::*;

/// The organization's home page data for the signed-in member.
#[server(endpoint = "tenant_home")]
pub async fn tenant_home_data() -> Result<TenantHome, AppError> {
    use crate::model::Permission;
    use crate::server::{context, error::tenant_db, services::teams};
    let context::Access { ctx, member, .. } =
        context::require(Permission::ViewOrganization).await?;
    let teams = teams::list(&ctx.db).await.map_err(tenant_db)?;
    Ok(TenantHome {
        org_name: ctx.tenant.name,
        slug: ctx.tenant.slug,
        email: member.email,
        role: member.role,
        email_verified: member.email_verified,
        team_count: teams.len() as u64,
        teams,
    })
}

/// Adds a team to the current organization.
#[server(endpoint = "add_team")]
pub async fn add_team(name: String) -> Result<Team, AppError> {
    use crate::model::Permission;
    use crate::server::{context, services::teams};
    let access = context::require(Permission::ManageTeams).await?;
    teams::add(&access.ctx.db, &access.actor(), &name).await
}
