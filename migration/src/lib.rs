//! Schema migrations for Tenantry's two kinds of database.
//!
//! * [`ControlMigrator`] owns the control-plane database: tenants, users,
//!   memberships, sessions and one-time tokens. It runs at server start-up.
//! * [`TenantMigrator`] owns every tenant database (one per organization). It
//!   runs when a tenant is provisioned and, later, across all tenants from
//!   `tenantry migrate`.
//!
//! The two sets never share a migration table name, so pointing a migrator at
//! the wrong kind of database fails loudly instead of mixing schemas.

pub use sea_orm_migration::prelude::*;

mod control;
mod tenant;

pub struct ControlMigrator;

#[async_trait::async_trait]
impl MigratorTrait for ControlMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(control::m20261122_000001_control_plane::Migration),
            Box::new(control::m20261122_000002_tenancy_engine::Migration),
            Box::new(control::m20261123_000003_sign_in::Migration),
            Box::new(control::m20261124_000004_mail_and_invitations::Migration),
            Box::new(control::m20261202_000005_signed_out_at::Migration),
            Box::new(control::m20261204_000006_organization_preferences::Migration),
            Box::new(control::m20261206_000007_former_subdomains::Migration),
            Box::new(control::m20261207_000008_organization_logo::Migration),
            Box::new(control::m20261208_000009_custom_domains::Migration),
            Box::new(control::m20261208_000010_digest_sent_at::Migration),
            Box::new(control::m20261208_000011_invitation_blocks::Migration),
            Box::new(control::m20261208_000012_plan::Migration),
        ]
    }

    fn migration_table_name() -> DynIden {
        "control_migrations".into_iden()
    }
}

pub struct TenantMigrator;

#[async_trait::async_trait]
impl MigratorTrait for TenantMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(tenant::m20261122_000001_teams::Migration),
            Box::new(tenant::m20261122_000002_settings::Migration),
            Box::new(tenant::m20261123_000003_audit_log::Migration),
            Box::new(tenant::m20261125_000004_repositories::Migration),
            Box::new(tenant::m20261126_000005_api_tokens::Migration),
            Box::new(tenant::m20261207_000006_logo::Migration),
            Box::new(tenant::m20261208_000007_notifications::Migration),
        ]
    }

    fn migration_table_name() -> DynIden {
        "tenant_migrations".into_iden()
    }
}

impl TenantMigrator {
    /// Name of the newest tenant migration: the schema version a freshly
    /// provisioned tenant database is at, recorded in the control plane.
    pub fn latest_version() -> String {
        Self::migrations()
            .last()
            .map(|m| m.name().to_owned())
            .unwrap_or_default()
    }

    /// The oldest tenant schema this build can serve. A tenant whose
    /// migration failed below it gets a maintenance page instead of errors;
    /// at or above it, it stays served at its old version. Raise it when a
    /// migration adds something the code cannot do without.
    /// Every mutation writes the audit log, so a tenant without it cannot
    /// be served.
    pub const MIN_SERVABLE_VERSION: &'static str = "m20261123_000003_audit_log";

    /// Whether a tenant database at `version` can be served by this build.
    pub fn can_serve(version: Option<&str>) -> bool {
        version.is_some_and(|v| v >= Self::MIN_SERVABLE_VERSION)
    }

    /// How many migrations a database at `version` is behind the latest.
    pub fn behind(version: Option<&str>) -> usize {
        Self::migrations()
            .iter()
            .filter(|m| version.is_none_or(|v| m.name() > v))
            .count()
    }

    /// Applies the migrations `pending` names (as read by
    /// `get_pending_migrations_read_only`) in one transaction, so the
    /// database ends at the latest version or stays where it was. Returns
    /// how many ran.
    ///
    /// This is `tenantry migrate`'s path for each tenant: unlike
    /// [`MigratorTrait::up`], it does not re-create the bookkeeping table and
    /// re-read the pending list (five statements per tenant), and commits
    /// once. A database without the bookkeeping table yet, or a migration
    /// that must run outside a transaction (`use_transaction() ==
    /// Some(false)`), goes through `up` instead, which gives each migration
    /// its own transaction on PostgreSQL and none on SQLite.
    ///
    /// On SQLite too the migrations run inside the transaction: one that
    /// needs `PRAGMA foreign_keys = OFF` (a table rebuild) must say
    /// `use_transaction() == Some(false)`, since the pragma is ignored
    /// inside a transaction.
    pub async fn apply_pending(
        db: &sea_orm_migration::sea_orm::DatabaseConnection,
        pending: &[sea_orm_migration::Migration],
    ) -> Result<usize, DbErr> {
        use sea_orm_migration::sea_orm::{ConnectionTrait, TransactionTrait};
        let names: Vec<&str> = pending
            .iter()
            .map(sea_orm_migration::Migration::name)
            .collect();
        let migrations: Vec<Box<dyn MigrationTrait>> = Self::migrations()
            .into_iter()
            .filter(|m| names.contains(&m.name()))
            .collect();
        let fresh = migrations.len() == Self::migrations().len();
        if fresh
            || migrations
                .iter()
                .any(|m| m.use_transaction() == Some(false))
        {
            Self::up(db, None).await?;
            return Ok(migrations.len());
        }
        let applied_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let txn = db.begin().await?;
        for migration in &migrations {
            migration.up(&SchemaManager::new(&txn)).await?;
            let record = Query::insert()
                .into_table(Self::migration_table_name())
                .columns([Alias::new("version"), Alias::new("applied_at")])
                .values_panic([migration.name().into(), applied_at.into()])
                .to_owned();
            txn.execute(&record).await?;
        }
        txn.commit().await?;
        Ok(migrations.len())
    }
}
