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
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait,
};
use tenancy::context::TenantCtx;
use tenancy::{
    directory::{announce_change, TenantDirectory},
    entities::tenants,
};

/// Renames the organization. The audit entry is written first (in its
/// own database), then the control plane, which every instance is told of.
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
    let txn = ctx.db.begin().await.map_err(tenant_db)?;
    let change = Change {
        action: Action::OrganizationRename,
        target: "organization".to_owned(),
        before: Some(ctx.tenant.name.clone()),
        after: Some(name.to_owned()),
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    org_settings::put(&txn, Key::OrganizationName, name)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)?;

    let control_txn = control.begin().await.map_err(internal)?;
    let tenant = tenants::Entity::find_by_id(ctx.tenant.id)
        .one(&control_txn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let mut row: tenants::ActiveModel = tenant.into();
    row.name = Set(name.to_owned());
    row.update(&control_txn).await.map_err(internal)?;
    announce_change(&control_txn, &ctx.tenant.slug)
        .await
        .map_err(internal)?;
    control_txn.commit().await.map_err(internal)?;
    directory.invalidate(&ctx.tenant.slug);
    Ok(name.to_owned())
}
