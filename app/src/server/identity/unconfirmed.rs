//! Organizations whose owners never confirmed an email address. Anyone may
//! sign up with any address, and each sign-up makes a database; one that
//! nobody ever confirms is suspended some days after its sign-up
//! (`TENANTRY_UNCONFIRMED_SUSPEND_DAYS`, 7 by default) and purged, database
//! and all, some days later (`TENANTRY_UNCONFIRMED_PURGE_DAYS`, 30). An
//! owner who confirms in between gets their organization back at once.
//!
//! "Confirmed" means any owner of the organization has a confirmed address
//! (confirmation link, password reset, or joining by invitation).

use crate::model::Role;
use crate::server::entities::control::{memberships, users};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use tenancy::{
    audit::PlatformActor,
    catalog::TenantStatus,
    directory::TenantDirectory,
    entities::tenants,
    lifecycle::{self, LifecycleError},
    registry::TenantRegistry,
};

/// The suspension's recorded reason, by which the sweep and the
/// confirmation recognise the suspensions that are theirs.
pub const REASON: &str = "no owner confirmed an email address";
/// Organizations handled per step of one sweep: a sweep stays short, and
/// the next one (an hour later) takes the rest.
const PER_SWEEP: u64 = 100;
const DAY_SECS: i64 = 24 * 60 * 60;

/// When organizations without a confirmed owner are suspended and purged,
/// in days after their sign-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnconfirmedPolicy {
    pub suspend_after_days: u32,
    pub purge_after_days: u32,
}

impl Default for UnconfirmedPolicy {
    fn default() -> Self {
        UnconfirmedPolicy {
            suspend_after_days: 7,
            purge_after_days: 30,
        }
    }
}

/// What one sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub suspended: Vec<String>,
    pub purged: Vec<String>,
}

/// `SELECT 1` of a confirmed owner of the tenant in the outer query.
fn a_confirmed_owner() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(memberships::Entity)
        .inner_join(
            users::Entity,
            Expr::col((users::Entity, users::Column::Id))
                .equals((memberships::Entity, memberships::Column::UserId)),
        )
        .and_where(
            Expr::col((memberships::Entity, memberships::Column::TenantId))
                .equals((tenants::Entity, tenants::Column::Id)),
        )
        .and_where(
            Expr::col((memberships::Entity, memberships::Column::Role)).eq(Role::Owner.as_str()),
        )
        .and_where(Expr::col((users::Entity, users::Column::EmailVerifiedAt)).is_not_null())
        .to_owned()
}

/// Tenants in `status`, signed up before `before`, without a confirmed
/// owner; at most [`PER_SWEEP`].
async fn unconfirmed(
    control: &DatabaseConnection,
    status: TenantStatus,
    before: i64,
) -> Result<Vec<tenants::Model>, DbErr> {
    tenants::Entity::find()
        .filter(tenants::Column::Status.eq(status.as_str()))
        .filter(tenants::Column::CreatedAt.lt(before))
        .filter(Expr::exists(a_confirmed_owner()).not())
        .limit(PER_SWEEP)
        .all(control)
        .await
}

/// Suspends the organizations past `policy`'s first limit, and purges
/// those past its second that this sweep suspended before (an operator's
/// suspension is left alone).
pub async fn sweep(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    policy: UnconfirmedPolicy,
    now: i64,
) -> Result<Swept, LifecycleError> {
    let actor = PlatformActor::System;
    let mut swept = Swept::default();
    let suspend_before = now - i64::from(policy.suspend_after_days) * DAY_SECS;
    for tenant in unconfirmed(control, TenantStatus::Active, suspend_before).await? {
        lifecycle::suspend(control, directory, &tenant.slug, &actor, Some(REASON)).await?;
        tracing::info!(slug = %tenant.slug, "suspended: no owner confirmed an address");
        swept.suspended.push(tenant.slug);
    }
    let purge_before = now - i64::from(policy.purge_after_days) * DAY_SECS;
    for tenant in unconfirmed(control, TenantStatus::Suspended, purge_before).await? {
        if tenant.status_reason.as_deref() != Some(REASON) {
            continue;
        }
        lifecycle::soft_delete(control, directory, &tenant.slug, &actor, Some(REASON)).await?;
        lifecycle::purge(control, registry, directory, &tenant.slug, &actor).await?;
        tracing::info!(slug = %tenant.slug, "purged: no owner confirmed an address");
        swept.purged.push(tenant.slug);
    }
    Ok(swept)
}

/// Serves again the organizations of `user_id` (as an owner) that a sweep
/// suspended: their owner has just confirmed an address.
pub async fn reactivate_for(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    user_id: i64,
) -> Result<(), LifecycleError> {
    let owned = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::Role.eq(Role::Owner))
        .find_also_related(tenants::Entity)
        .all(control)
        .await?;
    for (_, tenant) in owned {
        let Some(tenant) = tenant else { continue };
        if tenant.status() == TenantStatus::Suspended
            && tenant.status_reason.as_deref() == Some(REASON)
        {
            lifecycle::activate(control, directory, &tenant.slug, &PlatformActor::System).await?;
            tracing::info!(slug = %tenant.slug, "reactivated: its owner confirmed an address");
        }
    }
    Ok(())
}
