//! Migrating every tenant database (`tenantry migrate`).
//!
//! Tenants are migrated concurrently, a bounded number at a time, each on a
//! one-off connection counted against its server's budget. A failure is
//! recorded on that tenant (its error, and the version it stayed at) and the
//! run goes on; the tenant keeps being served at its old version when this
//! build can serve it (`TenantMigrator::can_serve`), and gets a maintenance
//! page otherwise. Each tenant's schema version is recorded in the control
//! plane and announced, so running instances see it at once.

use crate::{
    catalog::TenantStatus,
    db::is_unreachable,
    directory::TenantDirectory,
    entities::tenants,
    registry::{RegistryError, TenantRegistry},
};
use futures::StreamExt;
use migration::{MigratorTrait, TenantMigrator};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `applied` migrations ran.
    Migrated { applied: usize },
    /// Nothing to do.
    Current,
    /// The reason, as recorded on the tenant.
    Failed(String),
}

#[derive(Clone, Debug)]
pub struct TenantMigration {
    pub slug: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub outcome: Outcome,
    pub elapsed: Duration,
}

/// The tenants `migrate` works on: every one with a database that is kept
/// (active, suspended, soft-deleted), by slug; or the one at `only`.
pub async fn tenants_to_migrate(
    control: &DatabaseConnection,
    only: Option<&str>,
) -> Result<Vec<tenants::Model>, DbErr> {
    let mut query = tenants::Entity::find()
        .filter(
            tenants::Column::Status.is_in(
                [
                    TenantStatus::Active,
                    TenantStatus::Suspended,
                    TenantStatus::Deleted,
                ]
                .map(TenantStatus::as_str),
            ),
        )
        .order_by_asc(tenants::Column::Slug);
    if let Some(slug) = only {
        query = query.filter(tenants::Column::Slug.eq(slug));
    }
    query.all(control).await
}

/// Migrates `tenants`, `concurrency` at a time, calling `on_done` as each
/// finishes. Never fails as a whole: every tenant gets an outcome.
pub async fn migrate_tenants(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    tenants: Vec<tenants::Model>,
    concurrency: usize,
    on_done: impl Fn(&TenantMigration),
) -> Vec<TenantMigration> {
    futures::stream::iter(tenants)
        .map(|tenant| async move { migrate_tenant(control, registry, directory, &tenant).await })
        .buffer_unordered(concurrency.max(1))
        .inspect(|result| on_done(result))
        .collect()
        .await
}

/// Brings one tenant's database to the latest schema and records the result.
#[tracing::instrument(skip_all, fields(tenant = %tenant.slug))]
pub async fn migrate_tenant(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    tenant: &tenants::Model,
) -> TenantMigration {
    let started = Instant::now();
    let ran = run(registry, tenant).await;
    let (to, outcome) = match ran {
        Ok((to, outcome)) => (to, outcome),
        Err((to, e)) => (to, Outcome::Failed(describe(&e))),
    };
    let to = to.or_else(|| tenant.schema_version.clone());
    let error = match &outcome {
        Outcome::Failed(reason) => Some(reason.clone()),
        _ => None,
    };
    if to != tenant.schema_version || error != tenant.migration_error {
        let mut active: tenants::ActiveModel = tenant.clone().into();
        active.schema_version = Set(to.clone());
        active.migration_error = Set(error);
        let recorded = async {
            active.update(control).await?;
            directory.changed(&tenant.slug).await
        }
        .await;
        if let Err(e) = recorded {
            tracing::error!(error = %e, "could not record the tenant's schema version");
        }
    }
    TenantMigration {
        slug: tenant.slug.clone(),
        from: tenant.schema_version.clone(),
        to,
        outcome,
        elapsed: started.elapsed(),
    }
}

type Failure = (Option<String>, RegistryError);

/// The version the database is at afterwards, and what happened.
async fn run(
    registry: &TenantRegistry,
    tenant: &tenants::Model,
) -> Result<(Option<String>, Outcome), Failure> {
    let server_id = tenant.database_server_id.ok_or_else(|| {
        let e = DbErr::Custom("the tenant has no database server".into());
        (None, RegistryError::from(e))
    })?;
    let conn = registry
        .one_off(server_id, &tenant.database_location, false)
        .await
        .map_err(|e| (None, e))?;
    // Read-only first: an up-to-date tenant costs one query. The pending
    // migrations then run in one transaction where they can (see
    // `TenantMigrator::apply_pending`).
    let result: Result<Outcome, DbErr> = async {
        let pending = TenantMigrator::get_pending_migrations_read_only(&conn.db).await?;
        if pending.is_empty() {
            return Ok(Outcome::Current);
        }
        let applied = TenantMigrator::apply_pending(&conn.db, &pending).await?;
        Ok(Outcome::Migrated { applied })
    }
    .await;
    let at = match &result {
        Ok(_) => Some(TenantMigrator::latest_version()),
        // Read back where a failed run left the database.
        Err(_) => TenantMigrator::get_applied_migrations_read_only(&conn.db)
            .await
            .ok()
            .and_then(|applied| applied.last().map(|m| m.name().to_owned())),
    };
    conn.close().await.ok();
    match result {
        Ok(outcome) => Ok((at, outcome)),
        Err(e) => Err((at, RegistryError::from(e))),
    }
}

/// One line for the summary: what failed, without credentials.
fn describe(e: &RegistryError) -> String {
    let text = match e {
        RegistryError::Database(db) if is_unreachable(db) => {
            format!("database unreachable: {db}")
        }
        other => other.to_string(),
    };
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

/// One tenant's line in `tenantry migrate --status`.
#[derive(Clone, Debug)]
pub struct VersionStatus {
    pub slug: String,
    pub status: String,
    pub version: Option<String>,
    /// Migrations between its version and the latest.
    pub behind: usize,
    pub error: Option<String>,
}

/// Every tenant's recorded schema version and its drift from the latest.
pub async fn status(control: &DatabaseConnection) -> Result<Vec<VersionStatus>, DbErr> {
    Ok(tenants_to_migrate(control, None)
        .await?
        .into_iter()
        .map(|t| VersionStatus {
            behind: TenantMigrator::behind(t.schema_version.as_deref()),
            slug: t.slug,
            status: t.status,
            version: t.schema_version,
            error: t.migration_error,
        })
        .collect())
}

/// How many tenants to migrate at once when not told: half the smallest
/// server budget (the app needs the rest), between 1 and 16.
pub fn default_concurrency(budgets: impl IntoIterator<Item = u32>) -> usize {
    let smallest = budgets.into_iter().min().unwrap_or(8);
    (smallest / 2).clamp(1, 16) as usize
}
