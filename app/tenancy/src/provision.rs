//! Provisioning a new tenant: a state machine recorded on the tenant row.
//!
//! 1. `reserved`: the row is inserted as `provisioning` with the server and
//!    database name chosen up front (its unique slug index settles concurrent
//!    sign-ups for the same subdomain: exactly one wins);
//! 2. `database`: the database is cloned from the server's template (or
//!    claimed from its warm pool) and seeded by the caller's [`Setup::seed`];
//! 3. one transaction runs the caller's [`Setup::activate`] (the app adds the
//!    owner and the membership there), marks the tenant active and writes
//!    the platform audit entry.
//!
//! The engine knows nothing of users: what a new tenant's first rows and its
//! owner are is the caller's business, passed in as a [`Setup`].
//!
//! An error at any step drops the database and removes the row, so the
//! subdomain can be retried at once. While steps 2 and 3 run, the row is
//! marked alive every few seconds; a crash leaves a `provisioning` row that
//! names everything made so far and is no longer marked, which
//! [`recover_stale`] (run at start-up, every minute, and by a sign-up that
//! wants the same subdomain) removes once it has missed a few heartbeats.

use crate::{
    audit::{self, PlatformActor},
    catalog::{self, find_by_slug, is_abandoned, TenantStatus, PROVISIONING_HEARTBEAT_SECS},
    databases,
    db::now_unix,
    directory::{announce_change, TenantDirectory},
    entities::tenants,
    registry::{DatabaseServer, RegistryError, TenantRegistry},
    servers,
};
use migration::TenantMigrator;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait, QueryFilter, SqlErr, TransactionTrait,
};
use std::future::Future;

pub const STEP_RESERVED: &str = "reserved";
pub const STEP_DATABASE: &str = "database";

/// What the application adds to a new tenant, which the engine cannot know.
pub trait Setup: Send {
    /// What activation made (for sign-up: the owner's user id).
    type Made: Send;

    /// Writes the new tenant database's first rows.
    fn seed(
        &self,
        tenant_db: &DatabaseConnection,
    ) -> impl Future<Output = Result<(), DbErr>> + Send;

    /// Runs inside the control-plane transaction that makes `tenant` active,
    /// so that what it writes exists exactly when the tenant does. Returns
    /// what it made and the actor the platform audit names.
    fn activate(
        self,
        txn: &DatabaseTransaction,
        tenant: &tenants::Model,
    ) -> impl Future<Output = Result<(Self::Made, PlatformActor), DbErr>> + Send;
}

/// A tenant that went live.
pub struct Provisioned<T> {
    pub tenant: tenants::Model,
    /// What [`Setup::activate`] made.
    pub made: T,
    /// Whether its database came from the warm pool.
    pub warm: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("the subdomain is taken")]
    SlugTaken,
    /// The activation step broke a unique constraint: what it wanted to
    /// create was created concurrently (for sign-up: the owner's account).
    #[error("a row the activation step writes was just created concurrently")]
    Conflict,
    /// Anything half-made was removed; the cause is for the log.
    #[error("provisioning failed: {0}")]
    Failed(String),
}

/// Provisions a new tenant at `slug` (already validated) named `name`: the
/// recorded state machine described at the top of this module.
///
/// # Errors
/// `SlugTaken` when another tenant holds the slug (a concurrent sign-up);
/// `Conflict` when the activation step hit a unique constraint;
/// `Failed` for anything else, after removing what was made.
#[tracing::instrument(skip(control, registry, directory, setup))]
pub async fn provision<S: Setup>(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    slug: &str,
    name: &str,
    setup: S,
) -> Result<Provisioned<S::Made>, ProvisionError> {
    // Step 1: reserve the subdomain, naming the database before it exists.
    let now = now_unix();
    let server = servers::place(control)
        .await
        .map_err(|e| failed("placing the tenant", &e))?;
    let server = registry
        .server(server.id)
        .await
        .map_err(|e| failed("placing the tenant", &e))?;
    let location = databases::new_location(&server, &registry.settings().name_prefix, slug);
    let tenant = tenants::ActiveModel {
        slug: Set(slug.to_owned()),
        name: Set(name.to_owned()),
        status: Set(TenantStatus::Provisioning.as_str().to_owned()),
        database_location: Set(location),
        database_server_id: Set(Some(server.id)),
        provision_step: Set(Some(STEP_RESERVED.to_owned())),
        schema_version: Set(None),
        created_at: Set(now),
        status_changed_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(control)
    .await;
    let tenant = match tenant {
        Ok(tenant) => tenant,
        // Lost a race for the slug against a concurrent sign-up.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(ProvisionError::SlugTaken);
        }
        Err(e) => return Err(failed("reserving the subdomain", &e)),
    };
    // Lost a race against an organization leaving this subdomain: it holds
    // it for a while. Checked after the insert, which waited for that
    // change to commit (the unique index), so the check sees it.
    match catalog::former_holder(control, slug, now).await {
        Ok(None) => {}
        Ok(Some(_)) => {
            tenants::Entity::delete_by_id(tenant.id)
                .exec(control)
                .await
                .map_err(|e| failed("releasing the subdomain", &e))?;
            return Err(ProvisionError::SlugTaken);
        }
        Err(e) => return Err(failed("reserving the subdomain", &e)),
    }

    let (made, warm) = while_alive(
        control,
        tenant.id,
        build(control, registry, &server, &tenant, setup),
    )
    .await?;
    // Announced, not only forgotten here: another instance may remember the
    // slug as naming no tenant.
    if let Err(e) = directory.changed(slug).await {
        tracing::warn!(error = %e, slug, "could not announce the new tenant");
    }
    tracing::info!(tenant_id = tenant.id, server = %server.name, warm, "tenant provisioned");
    Ok(Provisioned { tenant, made, warm })
}

/// Runs `work` while marking the provisioning row alive every
/// [`PROVISIONING_HEARTBEAT_SECS`], so that no clean-up takes a sign-up that
/// is slow for a crashed one.
async fn while_alive<T>(
    control: &DatabaseConnection,
    tenant_id: i64,
    work: impl Future<Output = T>,
) -> T {
    let period = std::time::Duration::from_secs(PROVISIONING_HEARTBEAT_SECS);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = ticks.tick() => {}
        }
        let marked = tenants::Entity::update_many()
            .col_expr(tenants::Column::StatusChangedAt, Expr::value(now_unix()))
            .filter(tenants::Column::Id.eq(tenant_id))
            .filter(tenants::Column::Status.eq(TenantStatus::Provisioning.as_str()))
            .exec(control)
            .await;
        if let Err(e) = marked {
            tracing::warn!(error = %e, tenant_id, "could not mark a sign-up under way as alive");
        }
    }
}

/// Steps 2 and 3: the reserved tenant's database, seeded, then the tenant
/// live. Returns what activation made and whether the database was warm.
async fn build<S: Setup>(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    server: &DatabaseServer,
    tenant: &tenants::Model,
    setup: S,
) -> Result<(S::Made, bool), ProvisionError> {
    // Step 2: the database, cloned and seeded. A failed CREATE DATABASE or
    // file copy leaves no database behind, so only the row goes then.
    let warm = match databases::create_database(
        control,
        registry,
        server,
        &tenant.database_location,
    )
    .await
    {
        Ok(warm) => warm,
        Err(e) => {
            abandon(control, registry, tenant, false).await;
            return Err(failed("creating the tenant database", &e));
        }
    };
    let seeded = async {
        let mut step: tenants::ActiveModel = tenant.clone().into();
        step.provision_step = Set(Some(STEP_DATABASE.to_owned()));
        step.update(control).await?;
        let conn = registry
            .connection(tenant.id, server.id, &tenant.database_location)
            .await?;
        setup.seed(&conn.db).await?;
        Ok::<_, RegistryError>(())
    }
    .await;
    if let Err(e) = seeded {
        abandon(control, registry, tenant, true).await;
        return Err(failed("seeding the tenant database", &e));
    }

    // Step 3: the caller's activation, and the tenant goes live.
    match finish(control, tenant, setup, warm).await {
        Ok(made) => Ok((made, warm)),
        Err(e) => {
            abandon(control, registry, tenant, true).await;
            if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                return Err(ProvisionError::Conflict);
            }
            Err(failed("activating the tenant", &e))
        }
    }
}

/// A step that failed, and why, for the log.
fn failed(what: &str, e: &dyn std::fmt::Display) -> ProvisionError {
    ProvisionError::Failed(format!("{what}: {e}"))
}

/// The caller's activation and the tenant's, in one transaction.
async fn finish<S: Setup>(
    control: &DatabaseConnection,
    tenant: &tenants::Model,
    setup: S,
    warm: bool,
) -> Result<S::Made, DbErr> {
    let txn = control.begin().await?;
    let (made, actor) = setup.activate(&txn, tenant).await?;
    let mut active: tenants::ActiveModel = tenant.clone().into();
    active.status = Set(TenantStatus::Active.as_str().to_owned());
    active.provision_step = Set(None);
    active.status_changed_at = Set(Some(now_unix()));
    active.schema_version = Set(Some(TenantMigrator::latest_version()));
    active.update(&txn).await?;
    let source = if warm { "warm pool" } else { "template" };
    audit::record(
        &txn,
        &actor,
        "tenant.signup",
        Some((tenant.id, &tenant.slug)),
        format!("database from the {source}"),
    )
    .await?;
    announce_change(&txn, &tenant.slug).await?;
    txn.commit().await?;
    Ok(made)
}

/// Whether `slug` belongs to a tenant, or is held by one that left it. A
/// sign-up that crashed long ago does not count: it is cleaned up here and
/// the subdomain is free again.
///
/// # Errors
/// When the control plane fails, or the crashed sign-up cannot be removed.
pub async fn slug_held(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    slug: &str,
) -> Result<bool, RegistryError> {
    let Some(tenant) = find_by_slug(control, slug).await? else {
        return Ok(catalog::former_holder(control, slug, now_unix())
            .await?
            .is_some());
    };
    if !is_abandoned(&tenant, now_unix()) {
        return Ok(true);
    }
    clean_up(control, registry, &tenant, true).await?;
    Ok(false)
}

/// Removes every sign-up that crashed mid-provisioning (not marked alive for
/// [`STALE_PROVISIONING_SECS`](crate::catalog::STALE_PROVISIONING_SECS)):
/// its database, if one was made, and its row. Returns how many it removed.
///
/// # Errors
/// When the control plane fails; a tenant that cannot be cleaned up now is
/// logged and left for the next run.
pub async fn recover_stale(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
) -> Result<usize, DbErr> {
    let now = now_unix();
    let stuck = tenants::Entity::find()
        .filter(tenants::Column::Status.eq(TenantStatus::Provisioning.as_str()))
        .all(control)
        .await?;
    let mut removed = 0;
    for tenant in stuck.iter().filter(|t| is_abandoned(t, now)) {
        match clean_up(control, registry, tenant, true).await {
            Ok(()) => removed += 1,
            Err(e) => {
                tracing::error!(slug = %tenant.slug, error = %e, "could not clean up a crashed sign-up")
            }
        }
    }
    Ok(removed)
}

/// Drops what a failed sign-up made (when `drop_database`: the database may
/// exist), then its row (last, so a crash in between leaves a row that still
/// names what is left to clean).
async fn clean_up(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    tenant: &tenants::Model,
    drop_database: bool,
) -> Result<(), RegistryError> {
    if let (true, Some(server_id)) = (drop_database, tenant.database_server_id) {
        let server = registry.server(server_id).await?;
        registry.close_tenant(tenant.id).await;
        databases::drop_database(registry, &server, &tenant.database_location).await?;
    }
    // Only a row still provisioning: never a tenant that went live meanwhile.
    let deleted = tenants::Entity::delete_many()
        .filter(tenants::Column::Id.eq(tenant.id))
        .filter(tenants::Column::Status.eq(TenantStatus::Provisioning.as_str()))
        .exec(control)
        .await?;
    if deleted.rows_affected == 0 {
        // Someone else (another instance's clean-up) got here first.
        return Ok(());
    }
    audit::record(
        control,
        &PlatformActor::System,
        "tenant.provisioning_abandoned",
        Some((tenant.id, &tenant.slug)),
        format!(
            "step {}",
            tenant.provision_step.as_deref().unwrap_or("unknown")
        ),
    )
    .await?;
    Ok(())
}

/// Removes a half-made tenant after an error; failures are logged and left
/// to [`recover_stale`].
async fn abandon(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    tenant: &tenants::Model,
    database_made: bool,
) {
    if let Err(e) = clean_up(control, registry, tenant, database_made).await {
        tracing::error!(tenant_id = tenant.id, error = %e, "could not clean up a failed sign-up");
    }
}
