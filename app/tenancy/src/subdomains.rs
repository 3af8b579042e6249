//! Changing a tenant's subdomain. The subdomain it leaves is *held* for a
//! while (`former_subdomains`): its host still leads to the tenant (the
//! directory finds it there, pages redirect), and neither a sign-up nor
//! another tenant can take it until the hold ends.
//!
//! Races are settled by the database, not by checks made beforehand: the
//! unique index on `tenants.slug` makes a concurrent claim of the same
//! subdomain wait for this change to commit, and each claim checks the
//! holds *after* its write (here, and in sign-up's reservation), when it
//! sees every change committed before it.

use crate::catalog::former_holder;
use crate::entities::{former_subdomains, tenants};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, SqlErr,
};

/// Why a subdomain cannot be changed.
#[derive(Debug, thiserror::Error)]
pub enum SubdomainError {
    /// Another tenant has it, or left it and still holds it.
    #[error("the subdomain is taken")]
    Taken,
    /// The tenant already holds as many former subdomains as it may.
    #[error("{held} former subdomains are still held")]
    TooManyHeld { held: u64 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What a change of subdomain keeps: how long the old one is held, and
/// how many a tenant may hold at once (each change holds one more).
#[derive(Clone, Copy, Debug)]
pub struct Hold {
    pub secs: i64,
    pub at_most: u64,
}

/// Moves tenant `tenant_id` from subdomain `from` to `to` (both valid and
/// different), holding `from` for `hold.secs`. A subdomain the tenant left
/// itself may be taken back. Run it inside the transaction that records
/// the change; announce `from` and `to` once it commits.
///
/// # Errors
/// [`SubdomainError::Taken`], [`SubdomainError::TooManyHeld`], or the
/// database's error.
pub async fn change(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    from: &str,
    to: &str,
    now: i64,
    hold: Hold,
) -> Result<(), SubdomainError> {
    // Taking back a subdomain this tenant left, and holds that ended.
    former_subdomains::Entity::delete_many()
        .filter(former_subdomains::Column::Slug.is_in([from, to]))
        .filter(
            Condition::any()
                .add(former_subdomains::Column::TenantId.eq(tenant_id))
                .add(former_subdomains::Column::HeldUntil.lte(now)),
        )
        .exec(db)
        .await?;
    let held = former_subdomains::Entity::find()
        .filter(former_subdomains::Column::TenantId.eq(tenant_id))
        .filter(former_subdomains::Column::HeldUntil.gt(now))
        .count(db)
        .await?;
    if held >= hold.at_most {
        return Err(SubdomainError::TooManyHeld { held });
    }
    let moved = tenants::Entity::update_many()
        .col_expr(tenants::Column::Slug, Expr::value(to))
        .filter(tenants::Column::Id.eq(tenant_id))
        .filter(tenants::Column::Slug.eq(from))
        .exec(db)
        .await;
    match moved {
        Ok(result) if result.rows_affected == 1 => {}
        // Changed meanwhile by someone else: what was asked no longer holds.
        Ok(_) => return Err(SubdomainError::Db(DbErr::RecordNotUpdated)),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(SubdomainError::Taken)
        }
        Err(e) => return Err(e.into()),
    }
    if former_holder(db, to, now).await?.is_some() {
        return Err(SubdomainError::Taken);
    }
    former_subdomains::Entity::insert(former_subdomains::ActiveModel {
        slug: Set(from.to_owned()),
        tenant_id: Set(tenant_id),
        left_at: Set(now),
        held_until: Set(now + hold.secs),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Ends the holds that are over (the hourly sweep): the rows only; a hold
/// that is over is ignored by every lookup already.
pub async fn forget_ended(db: &impl ConnectionTrait, now: i64) -> Result<u64, DbErr> {
    Ok(former_subdomains::Entity::delete_many()
        .filter(former_subdomains::Column::HeldUntil.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
