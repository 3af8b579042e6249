//! The tenant lifecycle: provisioning → active ⇄ suspended → deleted (soft:
//! unreachable, data kept) → purged (database dropped, row removed, slug free
//! again). Every change is announced to the tenant directories of all
//! instances and recorded in the platform audit log.

use crate::{
    audit::{self, PlatformActor},
    catalog::{find_by_slug, TenantStatus},
    databases,
    db::now_unix,
    directory::{announce_change, TenantDirectory},
    entities::tenants,
    registry::{RegistryError, TenantRegistry},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, TransactionTrait,
};

#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error("no tenant has the subdomain {0:?}")]
    NotFound(String),
    #[error("tenant {slug} is {status}: cannot {action} it")]
    WrongState {
        slug: String,
        status: String,
        action: &'static str,
    },
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

async fn require(
    db: &impl sea_orm::ConnectionTrait,
    slug: &str,
) -> Result<tenants::Model, LifecycleError> {
    find_by_slug(db, slug)
        .await?
        .ok_or_else(|| LifecycleError::NotFound(slug.to_owned()))
}

/// A lifecycle step: which states it leaves, where it goes, its audit name.
struct Change {
    from: &'static [TenantStatus],
    to: TenantStatus,
    action: &'static str,
}

/// Moves a tenant from one of `from` to `to`, with the audit entry, in one
/// transaction; then tells every instance.
async fn transition(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    slug: &str,
    change: Change,
    actor: &PlatformActor,
    reason: Option<&str>,
) -> Result<tenants::Model, LifecycleError> {
    let Change { from, to, action } = change;
    let txn = control.begin().await?;
    let tenant = require(&txn, slug).await?;
    let status = tenant.status();
    if !from.contains(&status) {
        return Err(LifecycleError::WrongState {
            slug: slug.to_owned(),
            status: tenant.status,
            action,
        });
    }
    let mut active: tenants::ActiveModel = tenant.clone().into();
    active.status = Set(to.as_str().to_owned());
    active.status_changed_at = Set(Some(now_unix()));
    active.status_reason = Set(reason.map(str::to_owned));
    let updated = active.update(&txn).await?;
    let detail = match reason {
        Some(reason) => format!("{} → {}: {reason}", tenant.status, to.as_str()),
        None => format!("{} → {}", tenant.status, to.as_str()),
    };
    audit::record(
        &txn,
        actor,
        &format!("tenant.{action}"),
        Some((tenant.id, slug)),
        detail,
    )
    .await?;
    announce_change(&txn, slug).await?;
    txn.commit().await?;
    directory.invalidate(slug);
    Ok(updated)
}

/// Suspends an active tenant: its pages say so, its API answers 403.
pub async fn suspend(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    slug: &str,
    actor: &PlatformActor,
    reason: Option<&str>,
) -> Result<tenants::Model, LifecycleError> {
    let change = Change {
        from: &[TenantStatus::Active],
        to: TenantStatus::Suspended,
        action: "suspend",
    };
    transition(control, directory, slug, change, actor, reason).await
}

/// Serves a suspended or soft-deleted tenant again.
pub async fn activate(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    slug: &str,
    actor: &PlatformActor,
) -> Result<tenants::Model, LifecycleError> {
    let change = Change {
        from: &[TenantStatus::Suspended, TenantStatus::Deleted],
        to: TenantStatus::Active,
        action: "activate",
    };
    transition(control, directory, slug, change, actor, None).await
}

/// Soft delete: the tenant becomes unreachable; its database and rows stay.
/// `reason` is kept with the status (an owner's deletion is restorable by
/// an owner, see `app::server::identity::deletion`).
pub async fn soft_delete(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    slug: &str,
    actor: &PlatformActor,
    reason: Option<&str>,
) -> Result<tenants::Model, LifecycleError> {
    let change = Change {
        from: &[TenantStatus::Active, TenantStatus::Suspended],
        to: TenantStatus::Deleted,
        action: "delete",
    };
    transition(control, directory, slug, change, actor, reason).await
}

/// Drops a soft-deleted tenant's database and removes it from the control
/// plane, freeing its subdomain. The audit entry stays.
pub async fn purge(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    slug: &str,
    actor: &PlatformActor,
) -> Result<(), LifecycleError> {
    let tenant = require(control, slug).await?;
    if tenant.status() != TenantStatus::Deleted {
        return Err(LifecycleError::WrongState {
            slug: slug.to_owned(),
            status: tenant.status,
            action: "purge",
        });
    }
    if let Some(server_id) = tenant.database_server_id {
        let server = registry.server(server_id).await?;
        registry.close_tenant(tenant.id).await;
        databases::drop_database(registry, &server, &tenant.database_location).await?;
    }
    let txn = control.begin().await?;
    tenants::Entity::delete_by_id(tenant.id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "tenant.purge",
        Some((tenant.id, slug)),
        format!("database {} dropped", tenant.database_location),
    )
    .await?;
    announce_change(&txn, slug).await?;
    txn.commit().await?;
    directory.invalidate(slug);
    Ok(())
}
