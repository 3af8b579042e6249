//! Tenant databases as objects: where a new one goes, the template every new
//! one is cloned from, the warm pool of ready-made ones, and dropping them.
//!
//! A new tenant database is never migrated from scratch at sign-up. Each
//! server keeps a *template* at the latest tenant schema (PostgreSQL: a
//! database cloned with `CREATE DATABASE … TEMPLATE`; SQLite: a file copied
//! and renamed into place), and a PostgreSQL server may keep a *warm pool* of
//! clones made ahead of time, which sign-up claims and renames.
//!
//! Everything here is idempotent so that provisioning can be retried or
//! cleaned up after a crash at any step (see [`crate::provision`]).

use crate::db::{pg_code, pg_ident};
use crate::registry::{DatabaseServer, RegistryError, ServerKind, TenantRegistry};
use migration::{MigratorTrait, TenantMigrator};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod warm_pool;

use warm_pool::claim_warm;
pub use warm_pool::fill_warm_pool;

/// SQLSTATE: the template has other connections (someone is migrating it).
const PG_OBJECT_IN_USE: &str = "55006";
/// SQLSTATE: the database exists already.
const PG_DUPLICATE_DATABASE: &str = "42P04";

fn suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

/// A fresh, unique database location for a new tenant on `server`: a file
/// path for SQLite, a database name for PostgreSQL.
pub fn new_location(server: &DatabaseServer, name_prefix: &str, slug: &str) -> String {
    match &server.kind {
        ServerKind::Sqlite { dir } => dir
            .join(format!("{slug}-{}.sqlite", suffix()))
            .to_string_lossy()
            .into_owned(),
        // Slugs hold only `a-z 0-9 -`; `-` becomes `_` so the name needs no
        // quoting anywhere. At most 12 + 40 + 9 characters.
        ServerKind::Postgres { .. } => {
            format!("{name_prefix}{}_{}", slug.replace('-', "_"), suffix())
        }
    }
}

/// Where a server's template lives. On SQLite, a directory of its own keeps
/// it apart from tenant files.
pub fn template_location(server: &DatabaseServer, name_prefix: &str) -> String {
    match &server.kind {
        ServerKind::Sqlite { dir } => sqlite_template_path(dir).to_string_lossy().into_owned(),
        ServerKind::Postgres { .. } => format!("{name_prefix}template"),
    }
}

fn sqlite_template_path(dir: &Path) -> PathBuf {
    dir.join(".template").join("tenant.sqlite")
}

/// Creates the template if missing and brings it to the latest tenant
/// schema. Returns the schema version it is at.
///
/// # Errors
/// When the server cannot be reached or a migration fails.
#[tracing::instrument(skip_all, fields(server = %server.name))]
pub async fn migrate_template(
    registry: &TenantRegistry,
    server: &DatabaseServer,
) -> Result<String, RegistryError> {
    let prefix = &registry.settings().name_prefix;
    let template = template_location(server, prefix);
    // Every start-up and every `migrate` comes here: a template already at
    // the latest schema costs one read, not a copy and the migrator's DDL.
    let exists = database_exists(registry, server, &template).await?;
    if exists && is_current(registry, server, &template).await? {
        return Ok(TenantMigrator::latest_version());
    }
    match &server.kind {
        ServerKind::Postgres { .. } => {
            if !exists {
                let admin = registry.admin(server.id).await?;
                let created = admin
                    .db
                    .execute_unprepared(&format!("CREATE DATABASE {}", pg_ident(&template)?))
                    .await;
                match created {
                    Ok(_) => {}
                    // Another instance made it meanwhile.
                    Err(e) if pg_code(&e).as_deref() == Some(PG_DUPLICATE_DATABASE) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            let conn = registry.one_off(server.id, &template, false).await?;
            let migrated = TenantMigrator::up(&conn.db, None).await;
            conn.close().await?;
            migrated?;
        }
        ServerKind::Sqlite { .. } => {
            // Migrate a copy and rename it over the template, so a sign-up
            // copying the template never sees it half-migrated.
            let path = PathBuf::from(&template);
            let dir = path.parent().unwrap_or(Path::new("."));
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| io_err("creating the template directory", e))?;
            let work = dir.join(format!("tenant.sqlite.{}.tmp", suffix()));
            if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                tokio::fs::copy(&path, &work)
                    .await
                    .map_err(|e| io_err("copying the template", e))?;
            }
            let work_str = work.to_string_lossy().into_owned();
            let migrated = async {
                let conn = registry.one_off(server.id, &work_str, true).await?;
                let result = TenantMigrator::up(&conn.db, None).await;
                // Fold the write-ahead log into the file before it is copied.
                let checkpoint = conn
                    .db
                    .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await;
                let journal = conn
                    .db
                    .execute_unprepared("PRAGMA journal_mode=DELETE")
                    .await;
                conn.close().await?;
                result?;
                checkpoint?;
                journal?;
                Ok::<_, RegistryError>(())
            }
            .await;
            if let Err(e) = migrated {
                remove_sqlite_files(&work_str).await.ok();
                return Err(e);
            }
            tokio::fs::rename(&work, &path)
                .await
                .map_err(|e| io_err("installing the template", e))?;
        }
    }
    Ok(TenantMigrator::latest_version())
}

/// Whether the database at `location` has every tenant migration applied.
async fn is_current(
    registry: &TenantRegistry,
    server: &DatabaseServer,
    location: &str,
) -> Result<bool, RegistryError> {
    let conn = registry.one_off(server.id, location, false).await?;
    let pending = TenantMigrator::get_pending_migrations_read_only(&conn.db).await;
    conn.close().await?;
    Ok(pending?.is_empty())
}

/// Creates the database at `location` as a copy of the server's template,
/// or, on PostgreSQL, by claiming a database from the warm pool. Returns
/// whether it came from the warm pool.
///
/// # Errors
/// When the server cannot be reached or `location` exists already.
pub async fn create_database(
    control: &impl ConnectionTrait,
    registry: &TenantRegistry,
    server: &DatabaseServer,
    location: &str,
) -> Result<bool, RegistryError> {
    if server.is_postgres() && claim_warm(control, registry, server, location).await? {
        return Ok(true);
    }
    match clone_template(registry, server, location).await {
        Ok(()) => Ok(false),
        Err(first) => {
            // A server whose template is missing (new server, or removed by
            // hand) gets it back once, then the clone is tried again.
            let prefix = &registry.settings().name_prefix;
            if database_exists(registry, server, &template_location(server, prefix)).await? {
                return Err(first);
            }
            migrate_template(registry, server).await?;
            clone_template(registry, server, location).await?;
            Ok(false)
        }
    }
}

async fn clone_template(
    registry: &TenantRegistry,
    server: &DatabaseServer,
    location: &str,
) -> Result<(), RegistryError> {
    let template = template_location(server, &registry.settings().name_prefix);
    match &server.kind {
        ServerKind::Postgres { .. } => {
            let sql = format!(
                "CREATE DATABASE {} TEMPLATE {}",
                pg_ident(location)?,
                pg_ident(&template)?
            );
            let admin = registry.admin(server.id).await?;
            let mut attempt = 0;
            loop {
                match admin.db.execute_unprepared(&sql).await {
                    Ok(_) => return Ok(()),
                    // The template is being migrated: wait for it.
                    Err(e) if pg_code(&e).as_deref() == Some(PG_OBJECT_IN_USE) && attempt < 5 => {
                        attempt += 1;
                        tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        ServerKind::Sqlite { .. } => {
            let tmp = format!("{location}.{}.tmp", suffix());
            let copied = async {
                tokio::fs::copy(&template, &tmp).await?;
                tokio::fs::rename(&tmp, location).await
            }
            .await;
            if let Err(e) = copied {
                let _ = tokio::fs::remove_file(&tmp).await;
                return Err(io_err("copying the tenant template", e).into());
            }
            Ok(())
        }
    }
}

/// Drops the database at `location`. A missing database is not an error, so
/// clean-up can be retried.
///
/// # Errors
/// When the server cannot be reached or refuses.
pub async fn drop_database(
    registry: &TenantRegistry,
    server: &DatabaseServer,
    location: &str,
) -> Result<(), RegistryError> {
    match &server.kind {
        ServerKind::Sqlite { .. } => remove_sqlite_files(location).await,
        ServerKind::Postgres { .. } => {
            let admin = registry.admin(server.id).await?;
            admin
                .db
                .execute_unprepared(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    pg_ident(location)?
                ))
                .await?;
            Ok(())
        }
    }
}

async fn remove_sqlite_files(location: &str) -> Result<(), RegistryError> {
    for path in [
        location.to_owned(),
        format!("{location}-wal"),
        format!("{location}-shm"),
    ] {
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("removing a tenant database file", e).into()),
        }
    }
    Ok(())
}

/// Whether a database exists at `location` on `server`.
///
/// # Errors
/// When the server cannot be reached.
pub async fn database_exists(
    registry: &TenantRegistry,
    server: &DatabaseServer,
    location: &str,
) -> Result<bool, RegistryError> {
    match &server.kind {
        ServerKind::Sqlite { .. } => Ok(tokio::fs::try_exists(location).await.unwrap_or(false)),
        ServerKind::Postgres { .. } => {
            let admin = registry.admin(server.id).await?;
            let row = admin
                .db
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT 1 AS one FROM pg_database WHERE datname = $1",
                    [location.into()],
                ))
                .await?;
            Ok(row.is_some())
        }
    }
}

fn io_err(what: &str, e: std::io::Error) -> DbErr {
    DbErr::Custom(format!("{what}: {e}"))
}
