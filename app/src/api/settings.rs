//! The organization's settings: its name, and its deletion.

use crate::model::{settings::OrgSettings, AppError};
use leptos::prelude::*;

#[server(endpoint = "org_settings")]
pub async fn get_org_settings() -> Result<OrgSettings, AppError> {
    use crate::model::Permission;
    use crate::server::web::context;
    let access = context::require(Permission::ManageSettings).await?;
    let host = context::parsed_host()?.tenant_url(&access.state, &access.ctx.tenant.slug, "");
    Ok(OrgSettings {
        name: access.ctx.tenant.name.clone(),
        slug: access.ctx.tenant.slug.clone(),
        host,
        may_delete: access.member.role.grants(Permission::ManageOwners),
        grace_days: access.state.settings.deletion_grace_days,
    })
}

/// Renames the organization; every page and mail shows the new name.
#[server(endpoint = "rename_organization")]
pub async fn rename_organization(name: String) -> Result<String, AppError> {
    use crate::model::Permission;
    use crate::server::{org::organization, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    let name = organization::rename(
        &access.state.control,
        &access.state.directory,
        &access.ctx,
        &access.actor(),
        &name,
    )
    .await?;
    // Without JavaScript the page says "Saved." when the address says so.
    if context::plain_form_post() {
        use crate::model::settings::SAVED_PARAMETER;
        leptos_axum::redirect(&format!("/settings?{SAVED_PARAMETER}=1"));
    }
    Ok(name)
}

/// Deletes the organization, for an owner who re-enters their password and
/// types its subdomain: unreachable at once, restorable by an owner from
/// the apex for the grace period, then purged. Sends them to the apex's
/// organizations page, which offers the restore.
#[server(endpoint = "delete_organization")]
pub async fn delete_organization(password: String, slug: String) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{identity::deletion, web::context};
    let access = context::require(Permission::ManageOwners).await?;
    deletion::delete(
        &access.state.control,
        &access.state.directory,
        &access.state.limits,
        &access.ctx,
        &access.actor(),
        access.ip,
        &password,
        &slug,
    )
    .await?;
    let apex = context::parsed_host()?.apex_url(&access.state, "/organizations");
    leptos_axum::redirect(&apex);
    Ok(())
}
