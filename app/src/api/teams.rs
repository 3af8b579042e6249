use crate::model::{
    teams::{Team, TenantHome},
    AppError,
};
use leptos::prelude::*;

/// The organization's home page data for the signed-in member.
#[server(endpoint = "tenant_home")]
pub async fn tenant_home_data() -> Result<TenantHome, AppError> {
    use crate::server::{context, error::tenant_db, services::teams};
    let ctx = context::tenant_ctx()?;
    let state = context::app_state()?;
    let member = context::current_member(&state, &ctx).await?;
    let teams = teams::list(&ctx.db).await.map_err(tenant_db)?;
    Ok(TenantHome {
        org_name: ctx.tenant.name,
        slug: ctx.tenant.slug,
        email: member.email,
        team_count: teams.len() as u64,
        teams,
    })
}

/// Adds a team to the current organization.
#[server(endpoint = "add_team")]
pub async fn add_team(name: String) -> Result<Team, AppError> {
    use crate::server::{context, services::teams};
    let ctx = context::tenant_ctx()?;
    let state = context::app_state()?;
    context::current_member(&state, &ctx).await?;
    teams::add(&ctx.db, &name).await
}
