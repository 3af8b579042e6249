//! The organization's own settings that the control plane also keeps: its
//! display name.

use crate::model::account::check_org_name;
use crate::model::AppError;
use crate::server::{
    error::{internal, tenant_db},
    org::{
        audit::{self, Action, Actor, Change},
        settings::{self as org_settings, Key},
    },
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use tenancy::context::TenantCtx;
use tenancy::{
    directory::{announce_change, TenantDirectory},
    entities::tenants,
};

/// Renames the organization, in its own database and in the control plane
/// ([`audit::audited`]), which tells every instance.
pub async fn rename(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    name: &str,
) -> Result<String, AppError> {
    let name = name.trim();
    if let Err(message) = check_org_name(name) {
        return Err(AppError::field_echo("name", name, message));
    }
    if name == ctx.tenant.name {
        return Ok(name.to_owned());
    }
    audit::audited(&ctx.db, control, async |both| {
        let change = Change {
            action: Action::OrganizationRename,
            target: "organization".to_owned(),
            before: Some(ctx.tenant.name.clone()),
            after: Some(name.to_owned()),
        };
        both.record(actor, change).await?;
        org_settings::put(both.tenant, Key::OrganizationName, name)
            .await
            .map_err(tenant_db)?;
        let tenant = tenants::Entity::find_by_id(ctx.tenant.id)
            .one(both.control)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let mut row: tenants::ActiveModel = tenant.into();
        row.name = Set(name.to_owned());
        row.update(both.control).await.map_err(internal)?;
        announce_change(both.control, &ctx.tenant.slug)
            .await
            .map_err(internal)
    })
    .await?;
    directory.invalidate(&ctx.tenant.slug);
    Ok(name.to_owned())
}
