//! Tenant records in the control plane.

use crate::server::entities::control::tenants;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

pub const STATUS_PROVISIONING: &str = "provisioning";
pub const STATUS_ACTIVE: &str = "active";

/// The tenant at `slug`, if it exists and serves requests.
pub async fn find_active_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<tenants::Model>, DbErr> {
    tenants::Entity::find()
        .filter(tenants::Column::Slug.eq(slug))
        .filter(tenants::Column::Status.eq(STATUS_ACTIVE))
        .one(db)
        .await
}

/// Whether any tenant, in any state, holds `slug`.
pub async fn slug_taken(db: &impl ConnectionTrait, slug: &str) -> Result<bool, DbErr> {
    Ok(tenants::Entity::find()
        .filter(tenants::Column::Slug.eq(slug))
        .count(db)
        .await?
        > 0)
}
