//! Tenant records in the control plane and the tenant lifecycle:
//! provisioning → active ⇄ suspended → deleted (soft: unreachable, data
//! kept) → purged (database dropped, row removed, slug free again).
//! Every change is announced to the tenant directories of all instances and
//! recorded in the platform audit log.

use super::platform_audit;
use crate::server::{
    directory::TenantDirectory,
    entities::control::tenants,
    provisioning,
    registry::{RegistryError, TenantRegistry},
    time::now_unix,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

pub const STATUS_PROVISIONING: &str = "provisioning";
pub const STATUS_ACTIVE: &str = "active";
pub const STATUS_SUSPENDED: &str = "suspended";
pub const STATUS_DELETED: &str = "deleted";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantStatus {
    Provisioning,
    Active,
    Suspended,
    Deleted,
}

impl TenantStatus {
    /// Unknown text (written by a newer version) is treated as not servable.
    pub fn parse(text: &str) -> Self {
        match text {
            STATUS_ACTIVE => TenantStatus::Active,
            STATUS_SUSPENDED => TenantStatus::Suspended,
            STATUS_PROVISIONING => TenantStatus::Provisioning,
            _ => TenantStatus::Deleted,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Provisioning => STATUS_PROVISIONING,
            TenantStatus::Active => STATUS_ACTIVE,
            TenantStatus::Suspended => STATUS_SUSPENDED,
            TenantStatus::Deleted => STATUS_DELETED,
        }
    }
}

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

/// A `provisioning` row older than this belongs to a sign-up that crashed.
pub const STALE_PROVISIONING_SECS: i64 = 120;

/// Whether `tenant` is a sign-up that crashed mid-provisioning: its
/// subdomain is free again (sign-up cleans it up when someone wants it).
pub fn is_abandoned(tenant: &tenants::Model, now: i64) -> bool {
    tenant.status == STATUS_PROVISIONING
        && now - tenant.status_changed_at.unwrap_or(tenant.created_at) >= STALE_PROVISIONING_SECS
}

/// Whether a tenant holds `slug`, in any state but an abandoned sign-up.
pub async fn slug_taken(db: &impl ConnectionTrait, slug: &str) -> Result<bool, DbErr> {
    Ok(find_by_slug(db, slug)
        .await?
        .is_some_and(|t| !is_abandoned(&t, now_unix())))
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<tenants::Model>, DbErr> {
    tenants::Entity::find()
        .filter(tenants::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// Every tenant, by slug.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<tenants::Model>, DbErr> {
    tenants::Entity::find()
        .order_by_asc(tenants::Column::Slug)
        .all(db)
        .await
}

async fn require(db: &impl ConnectionTrait, slug: &str) -> Result<tenants::Model, LifecycleError> {
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
    actor: &str,
    reason: Option<&str>,
) -> Result<tenants::Model, LifecycleError> {
    let Change { from, to, action } = change;
    let txn = control.begin().await?;
    let tenant = require(&txn, slug).await?;
    let status = TenantStatus::parse(&tenant.status);
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
    platform_audit::record(
        &txn,
        actor,
        &format!("tenant.{action}"),
        Some((tenant.id, slug)),
        detail,
    )
    .await?;
    crate::server::directory::announce_change(&txn, slug).await?;
    txn.commit().await?;
    directory.invalidate(slug);
    Ok(updated)
}

/// Suspends an active tenant: its pages say so, its API answers 403.
pub async fn suspend(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    slug: &str,
    actor: &str,
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
    actor: &str,
) -> Result<tenants::Model, LifecycleError> {
    let change = Change {
        from: &[TenantStatus::Suspended, TenantStatus::Deleted],
        to: TenantStatus::Active,
        action: "activate",
    };
    transition(control, directory, slug, change, actor, None).await
}

/// Soft delete: the tenant becomes unreachable; its database and rows stay.
pub async fn soft_delete(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    slug: &str,
    actor: &str,
) -> Result<tenants::Model, LifecycleError> {
    let change = Change {
        from: &[TenantStatus::Active, TenantStatus::Suspended],
        to: TenantStatus::Deleted,
        action: "delete",
    };
    transition(control, directory, slug, change, actor, None).await
}

/// Drops a soft-deleted tenant's database and removes it from the control
/// plane, freeing its subdomain. The audit entry stays.
pub async fn purge(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    slug: &str,
    actor: &str,
) -> Result<(), LifecycleError> {
    let tenant = require(control, slug).await?;
    if TenantStatus::parse(&tenant.status) != TenantStatus::Deleted {
        return Err(LifecycleError::WrongState {
            slug: slug.to_owned(),
            status: tenant.status,
            action: "purge",
        });
    }
    if let Some(server_id) = tenant.database_server_id {
        let server = registry.server(server_id).await?;
        registry.close_tenant(tenant.id).await;
        provisioning::drop_database(registry, &server, &tenant.database_location).await?;
    }
    let txn = control.begin().await?;
    tenants::Entity::delete_by_id(tenant.id).exec(&txn).await?;
    platform_audit::record(
        &txn,
        actor,
        "tenant.purge",
        Some((tenant.id, slug)),
        format!("database {} dropped", tenant.database_location),
    )
    .await?;
    crate::server::directory::announce_change(&txn, slug).await?;
    txn.commit().await?;
    directory.invalidate(slug);
    Ok(())
}
