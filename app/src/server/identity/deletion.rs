//! An owner deletes their organization: a soft delete (unreachable, data
//! kept) that an owner can undo from the apex's organizations page for a
//! grace period, after which an hourly sweep purges it, database and all,
//! through the tenancy engine's lifecycle. An operator's deletion (the
//! CLI's, with no reason or another) is left to the operator: it is
//! neither restorable here nor swept.

use crate::model::{auth::RestorableOrganization, AppError, FieldErrors, Role};
use crate::server::{
    entities::control::{memberships, users},
    error::internal,
    identity::accounts,
    org::audit::{self, Action, Actor, Change},
    rate_limit::Limits,
    time::utc_date,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::net::IpAddr;
use tenancy::{
    audit::PlatformActor,
    catalog::{find_by_slug, TenantStatus},
    context::TenantCtx,
    directory::TenantDirectory,
    entities::tenants,
    lifecycle::{self, LifecycleError},
    registry::TenantRegistry,
};

/// The lifecycle reason of a deletion by one of the organization's owners;
/// only these are restorable by an owner and swept after the grace period.
pub const OWNER_DELETED: &str = "deleted by an owner";

const DAY_SECS: i64 = 24 * 60 * 60;

/// Organizations one sweep purges at most; the next hour takes the rest.
const PER_SWEEP: u64 = 100;

/// Soft-deletes the organization of `ctx` for `member`, an owner, once
/// they have re-entered their password and typed its subdomain.
///
/// # Errors
/// `Validation` next to `password` or `slug` when either is wrong (the
/// typed subdomain echoed, never the password); `RateLimited` or `Busy` from
/// the password check; `Internal` when a database fails.
#[allow(clippy::too_many_arguments)]
pub async fn delete(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    limits: &Limits,
    ctx: &TenantCtx,
    actor: &Actor,
    ip: IpAddr,
    password: &str,
    typed_slug: &str,
) -> Result<(), AppError> {
    let typed_slug = typed_slug.trim();
    let mut errors = FieldErrors::default().echo("slug", typed_slug);
    if typed_slug != ctx.tenant.slug {
        errors.add("slug", format!("Type {} to confirm.", ctx.tenant.slug));
    }
    if password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    errors.clone().into_result()?;
    let user = users::Entity::find_by_id(actor.user_id)
        .one(control)
        .await
        .map_err(internal)?
        .ok_or(AppError::Unauthorized)?;
    let stored = Some(user.password_hash.clone());
    if !accounts::verify_limited(limits, ip, &user.email, password, stored).await? {
        errors.add("password", "That is not your password.");
        return Err(AppError::Validation(errors));
    }
    // Written while the organization's database is still reachable; the
    // platform audit gets the lifecycle's own entry.
    audit::record(
        &ctx.db,
        actor,
        Change {
            action: Action::OrganizationDelete,
            target: "organization".to_owned(),
            before: Some(ctx.tenant.slug.clone()),
            after: None,
        },
    )
    .await
    .map_err(internal)?;
    lifecycle::soft_delete(
        control,
        directory,
        &ctx.tenant.slug,
        &PlatformActor::User(actor.user_id),
        Some(OWNER_DELETED),
    )
    .await
    .map_err(internal)?;
    Ok(())
}

/// The organizations `user_id` owns that an owner deleted and that can
/// still be restored at `now`, with the day each will be purged.
///
/// # Errors
/// When the database fails.
pub async fn restorable(
    control: &DatabaseConnection,
    user_id: i64,
    grace_days: u32,
    now: i64,
) -> Result<Vec<RestorableOrganization>, AppError> {
    let rows = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::Role.eq(Role::Owner))
        .find_also_related(tenants::Entity)
        .filter(tenants::Column::Status.eq(TenantStatus::Deleted.as_str()))
        .filter(tenants::Column::StatusReason.eq(OWNER_DELETED))
        .order_by_asc(tenants::Column::Name)
        .all(control)
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .filter_map(|(_, tenant)| tenant)
        .filter_map(|tenant| {
            let purge_at = purge_at(&tenant, grace_days)?;
            (purge_at > now).then(|| RestorableOrganization {
                slug: tenant.slug,
                name: tenant.name,
                purged_on: utc_date(purge_at),
            })
        })
        .collect())
}

/// When an owner's deletion of `tenant` is purged: `grace_days` after it.
fn purge_at(tenant: &tenants::Model, grace_days: u32) -> Option<i64> {
    let deleted_at = tenant.status_changed_at?;
    Some(deleted_at + i64::from(grace_days) * DAY_SECS)
}

/// Serves `slug` again, for `user_id`, one of its owners, within the grace
/// period of an owner's deletion.
///
/// # Errors
/// `NotFound` when there is no such organization, `user_id` does not own
/// it, it was not deleted by an owner or its grace period is over: the
/// cases are not told apart. `Internal` when a database fails.
pub async fn restore(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    user_id: i64,
    slug: &str,
    grace_days: u32,
    now: i64,
) -> Result<(), AppError> {
    let tenant = find_by_slug(control, slug.trim())
        .await
        .map_err(internal)?
        .filter(|t| {
            t.status() == TenantStatus::Deleted
                && t.status_reason.as_deref() == Some(OWNER_DELETED)
                && purge_at(t, grace_days).is_some_and(|at| at > now)
        })
        .ok_or(AppError::NotFound)?;
    if accounts::role_in(control, user_id, tenant.id).await? != Some(Role::Owner) {
        return Err(AppError::NotFound);
    }
    lifecycle::activate(
        control,
        directory,
        &tenant.slug,
        &PlatformActor::User(user_id),
    )
    .await
    .map_err(internal)?;
    Ok(())
}

/// Purges the organizations whose owner's deletion is older than
/// `grace_days` at `now`, at most [`PER_SWEEP`] a run; returns their
/// subdomains.
///
/// # Errors
/// When a database or the engine fails; those purged before stay purged.
pub async fn sweep(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    grace_days: u32,
    now: i64,
) -> Result<Vec<String>, LifecycleError> {
    let before = now - i64::from(grace_days) * DAY_SECS;
    let due = tenants::Entity::find()
        .filter(tenants::Column::Status.eq(TenantStatus::Deleted.as_str()))
        .filter(tenants::Column::StatusReason.eq(OWNER_DELETED))
        .filter(tenants::Column::StatusChangedAt.lte(before))
        .order_by_asc(tenants::Column::StatusChangedAt)
        .limit(PER_SWEEP)
        .all(control)
        .await?;
    let mut purged = Vec::with_capacity(due.len());
    for tenant in due {
        lifecycle::purge(
            control,
            registry,
            directory,
            &tenant.slug,
            &PlatformActor::System,
        )
        .await?;
        tracing::info!(slug = %tenant.slug, "purged: its owner deleted it {grace_days} days ago");
        purged.push(tenant.slug);
    }
    Ok(purged)
}
