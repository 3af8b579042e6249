//! Tenant records in the control plane: their statuses, and the queries that
//! find them. The lifecycle that changes them is in [`crate::lifecycle`].

use crate::{db::now_unix, entities::tenants};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Where a tenant is in its life; stored as [`TenantStatus::as_str`].
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
            "active" => TenantStatus::Active,
            "suspended" => TenantStatus::Suspended,
            "provisioning" => TenantStatus::Provisioning,
            _ => TenantStatus::Deleted,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Provisioning => "provisioning",
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
            TenantStatus::Deleted => "deleted",
        }
    }
}

impl tenants::Model {
    /// The tenant's status (the column holds its text).
    pub fn status(&self) -> TenantStatus {
        TenantStatus::parse(&self.status)
    }
}

/// A sign-up under way marks its `provisioning` row as alive this often
/// (`status_changed_at`), however long its database takes to clone.
pub const PROVISIONING_HEARTBEAT_SECS: u64 = 3;

/// A `provisioning` row not marked alive for this long belongs to a sign-up
/// that crashed: five heartbeats missed. Short, so that whoever retries a
/// sign-up the server died in gets the subdomain back within seconds.
pub const STALE_PROVISIONING_SECS: i64 = 15;

/// Whether `tenant` is a sign-up that crashed mid-provisioning: its
/// subdomain is free again (sign-up cleans it up when someone wants it).
pub fn is_abandoned(tenant: &tenants::Model, now: i64) -> bool {
    tenant.status() == TenantStatus::Provisioning
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
