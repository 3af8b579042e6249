//! The tenant database registry: where each tenant's database lives, how it is
//! created and migrated, and the open connection pools, one per tenant,
//! opened on first use and reused afterwards.
//!
//! Request code never calls [`TenantRegistry::connection`] itself: the tenancy
//! middleware does, and hands the connection to the request as a
//! [`TenantCtx`](super::tenancy::TenantCtx).

use super::settings::TenantDatabases;
use migration::{MigratorTrait, TenantMigrator};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::RwLock;

/// Connections a single tenant pool may hold. Small on purpose: a tenant is
/// one of many on the same database server.
const TENANT_POOL_MAX: u32 = 4;
/// Idle pool connections are closed after this, so quiet tenants hold none.
const TENANT_POOL_IDLE: Duration = Duration::from_secs(60);
/// How long a request waits for a connection before failing (then a 503).
const TENANT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

pub struct TenantRegistry {
    databases: TenantDatabases,
    pools: RwLock<HashMap<i64, DatabaseConnection>>,
}

impl TenantRegistry {
    pub fn new(databases: TenantDatabases) -> Self {
        TenantRegistry {
            databases,
            pools: RwLock::new(HashMap::new()),
        }
    }

    /// A fresh, unique database location for a new tenant: a file path for
    /// SQLite, a database name for PostgreSQL.
    pub fn new_location(&self, slug: &str) -> String {
        let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
        match &self.databases {
            TenantDatabases::Sqlite { dir } => dir
                .join(format!("{slug}-{suffix}.sqlite"))
                .to_string_lossy()
                .into_owned(),
            // Slugs hold only `a-z 0-9 -`; `-` becomes `_` so the name needs
            // no quoting anywhere. At most 40 + 9 characters plus the prefix.
            TenantDatabases::Postgres { name_prefix, .. } => {
                format!("{name_prefix}{}_{suffix}", slug.replace('-', "_"))
            }
        }
    }

    /// Creates the empty database at `location`.
    pub async fn create_database(&self, location: &str) -> Result<(), DbErr> {
        match &self.databases {
            TenantDatabases::Sqlite { .. } => {
                let db = connect(&sqlite_url(location, true), 1).await?;
                db.close().await
            }
            TenantDatabases::Postgres { admin_url, .. } => {
                let admin = connect(admin_url, 1).await?;
                let result = admin
                    .execute_unprepared(&format!("CREATE DATABASE {}", pg_ident(location)?))
                    .await;
                admin.close().await?;
                result.map(|_| ())
            }
        }
    }

    /// Brings the database at `location` to the latest tenant schema.
    pub async fn migrate(&self, location: &str) -> Result<(), DbErr> {
        let db = connect(&self.url(location)?, 1).await?;
        let result = TenantMigrator::up(&db, None).await;
        db.close().await?;
        result
    }

    /// Removes the database at `location`, closing this process's pool to it.
    /// Missing databases are not an error, so clean-up can be retried.
    pub async fn drop_database(&self, tenant_id: Option<i64>, location: &str) -> Result<(), DbErr> {
        if let Some(id) = tenant_id {
            if let Some(pool) = self.pools.write().await.remove(&id) {
                pool.close().await?;
            }
        }
        match &self.databases {
            TenantDatabases::Sqlite { .. } => {
                for path in [
                    location.to_owned(),
                    format!("{location}-wal"),
                    format!("{location}-shm"),
                ] {
                    match std::fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(DbErr::Custom(format!("removing {path}: {e}"))),
                    }
                }
                Ok(())
            }
            TenantDatabases::Postgres { admin_url, .. } => {
                let admin = connect(admin_url, 1).await?;
                let result = admin
                    .execute_unprepared(&format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        pg_ident(location)?
                    ))
                    .await;
                admin.close().await?;
                result.map(|_| ())
            }
        }
    }

    /// The open pool for a tenant, opening it on first use.
    pub async fn connection(
        &self,
        tenant_id: i64,
        location: &str,
    ) -> Result<DatabaseConnection, DbErr> {
        if let Some(db) = self.pools.read().await.get(&tenant_id) {
            return Ok(db.clone());
        }
        let db = connect(&self.url(location)?, TENANT_POOL_MAX).await?;
        let mut pools = self.pools.write().await;
        // Another request may have opened it meanwhile: keep the first.
        Ok(pools.entry(tenant_id).or_insert(db).clone())
    }

    fn url(&self, location: &str) -> Result<String, DbErr> {
        match &self.databases {
            TenantDatabases::Sqlite { .. } => Ok(sqlite_url(location, false)),
            TenantDatabases::Postgres { admin_url, .. } => {
                let mut url = url::Url::parse(admin_url)
                    .map_err(|e| DbErr::Custom(format!("invalid PostgreSQL URL: {e}")))?;
                url.set_path(&format!("/{location}"));
                Ok(url.to_string())
            }
        }
    }
}

/// `mode=rwc` creates the file; everywhere else a missing file is an error,
/// so a deleted tenant database fails loudly instead of coming back empty.
fn sqlite_url(path: &str, create: bool) -> String {
    let mode = if create { "rwc" } else { "rw" };
    format!("sqlite://{path}?mode={mode}")
}

/// Tenant database names are generated by [`TenantRegistry::new_location`];
/// this refuses anything else rather than quoting it into SQL.
fn pg_ident(name: &str) -> Result<&str, DbErr> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(name)
    } else {
        Err(DbErr::Custom(format!(
            "refusing unexpected database name {name:?}"
        )))
    }
}

/// Opens a pool with the settings every Tenantry connection shares.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(0)
        .idle_timeout(TENANT_POOL_IDLE)
        .acquire_timeout(TENANT_ACQUIRE_TIMEOUT)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    Database::connect(options).await
}
