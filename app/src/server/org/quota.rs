//! Checking an organization's quotas ([`crate::model::quota`]) in the
//! transaction that creates: it must hold the organization's change lock
//! ([`super::mapping::assignments::begin`]), which makes count and insert
//! one step for every other create of the organization.

use crate::model::{quota::Limit, AppError};
use crate::server::error::tenant_db;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Select};

/// How many more of `quota`'s kind fit: `quota` less what `counted` finds.
///
/// # Errors
/// When the database fails.
pub async fn room<E>(
    txn: &impl ConnectionTrait,
    quota: &impl Limit,
    counted: Select<E>,
) -> Result<u64, AppError>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let used = counted.count(txn).await.map_err(tenant_db)?;
    Ok(quota.room(used))
}

/// `Err` with `quota`'s message on `field` when not one more fits.
///
/// # Errors
/// The quota's field error, or the database's.
pub async fn check<E>(
    txn: &impl ConnectionTrait,
    quota: &impl Limit,
    counted: Select<E>,
    field: &str,
) -> Result<(), AppError>
where
    E: EntityTrait,
    E::Model: Sync,
{
    if room(txn, quota, counted).await? == 0 {
        return Err(AppError::field(field, quota.reached()));
    }
    Ok(())
}
