//! Moving a tenant's database to another PostgreSQL server
//! (`tenantry tenants move SLUG --to SERVER`).
//!
//! 1. The target database is cloned from the target server's template, so
//!    its schema is the tenant's (the tenant must be at the latest schema).
//! 2. The source is made read-only (`default_transaction_read_only`) and its
//!    sessions are ended, so every instance reconnects read-only: reads go
//!    on, writes get a 503 "try again" until the switch.
//! 3. Every table is streamed with `COPY … (FORMAT binary)` in foreign-key
//!    order, sequences are carried over, and row counts are compared.
//! 4. One control-plane transaction points the tenant at the new database
//!    (announced to every instance); then the source is dropped.
//!
//! A failure before the switch drops the target and makes the source
//! writable again: nothing is lost and the tenant stays where it was.

use crate::{
    audit::{self, PlatformActor},
    catalog, databases,
    db::pg_ident,
    directory::{announce_change, TenantDirectory},
    entities::tenants as tenant_rows,
    registry::{DatabaseServer, OneOff, RegistryError, TenantRegistry},
    servers,
};
use futures::TryStreamExt;
use migration::TenantMigrator;
use sea_orm::{
    sqlx::postgres::PgPoolCopyExt, ActiveModelTrait, ActiveValue::Set, ConnectionTrait,
    DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// The tenant migrations table: the template has it already, with the same
/// rows (the versions must match to move).
const MIGRATIONS_TABLE: &str = "tenant_migrations";

#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("no tenant has the subdomain {0:?}")]
    NoSuchTenant(String),
    #[error("no database server is named {0:?}")]
    NoSuchServer(String),
    #[error("tenant {0} is already on server {1}")]
    AlreadyThere(String, String),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What a move did.
#[derive(Debug, Clone)]
pub struct MoveReport {
    pub from_server: String,
    pub to_server: String,
    pub location: String,
    /// Rows copied per table.
    pub rows: BTreeMap<String, u64>,
    /// How long writes were refused (from read-only to the switch).
    pub writes_blocked: Duration,
}

/// Moves the tenant at `slug` to the server named `to`.
///
/// # Errors
/// `NoSuchTenant`, `NoSuchServer`, `AlreadyThere`, or `Refused` (not
/// PostgreSQL on both sides, not at the latest schema, not active or
/// suspended) before anything changes; otherwise the failure that undid it.
#[tracing::instrument(skip_all, fields(tenant = %slug, to = %to))]
pub async fn move_tenant(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    slug: &str,
    to: &str,
    actor: &PlatformActor,
) -> Result<MoveReport, MoveError> {
    let tenant = catalog::find_by_slug(control, slug)
        .await?
        .ok_or_else(|| MoveError::NoSuchTenant(slug.to_owned()))?;
    let target = servers::find_by_name(control, to)
        .await?
        .ok_or_else(|| MoveError::NoSuchServer(to.to_owned()))?;
    let target = registry.server(target.id).await?;
    let source_id = tenant
        .database_server_id
        .ok_or_else(|| MoveError::Refused("the tenant has no database server".into()))?;
    let source = registry.server(source_id).await?;
    if source.id == target.id {
        return Err(MoveError::AlreadyThere(slug.to_owned(), target.name));
    }
    if !source.is_postgres() || !target.is_postgres() {
        return Err(MoveError::Refused(
            "tenants move between PostgreSQL servers only".into(),
        ));
    }
    let status = tenant.status();
    if !matches!(
        status,
        catalog::TenantStatus::Active | catalog::TenantStatus::Suspended
    ) {
        return Err(MoveError::Refused(format!(
            "tenant {slug} is {}: only active or suspended tenants move",
            tenant.status
        )));
    }
    if tenant.schema_version.as_deref() != Some(TenantMigrator::latest_version().as_str()) {
        return Err(MoveError::Refused(format!(
            "tenant {slug} is at schema {}, not the latest: run `tenantry migrate --tenant {slug}` first",
            tenant.schema_version.as_deref().unwrap_or("unknown")
        )));
    }

    let prefix = &registry.settings().name_prefix;
    let location = databases::new_location(&target, prefix, slug);
    databases::create_database(control, registry, &target, &location).await?;

    let blocked_at = Instant::now();
    let moved = async {
        set_read_only(registry, &source, &tenant.database_location, true).await?;
        let rows = copy_tables(
            registry,
            &source,
            &tenant.database_location,
            &target,
            &location,
        )
        .await?;
        switch(control, &tenant, &target, &location, &source, &rows, actor).await?;
        Ok::<_, MoveError>(rows)
    }
    .await;
    let rows = match moved {
        Ok(rows) => rows,
        Err(e) => {
            let source_location = &tenant.database_location;
            undo(registry, &source, source_location, &target, &location).await;
            return Err(e);
        }
    };
    directory.invalidate(slug);
    let writes_blocked = blocked_at.elapsed();
    registry.close_tenant(tenant.id).await;
    if let Err(e) = databases::drop_database(registry, &source, &tenant.database_location).await {
        tracing::error!(error = %e, "the tenant moved, but its old database could not be dropped");
    }
    tracing::info!(from = %source.name, ms = writes_blocked.as_millis() as u64, "tenant moved");
    Ok(MoveReport {
        from_server: source.name,
        to_server: target.name,
        location,
        rows,
        writes_blocked,
    })
}

async fn switch(
    control: &DatabaseConnection,
    tenant: &tenant_rows::Model,
    target: &DatabaseServer,
    location: &str,
    source: &DatabaseServer,
    rows: &BTreeMap<String, u64>,
    actor: &PlatformActor,
) -> Result<(), DbErr> {
    let txn = control.begin().await?;
    let mut row: tenant_rows::ActiveModel = tenant.clone().into();
    row.database_server_id = Set(Some(target.id));
    row.database_location = Set(location.to_owned());
    row.update(&txn).await?;
    let total: u64 = rows.values().sum();
    audit::record(
        &txn,
        actor,
        "tenant.move",
        Some((tenant.id, &tenant.slug)),
        format!(
            "{} → {} ({total} rows in {} tables)",
            source.name,
            target.name,
            rows.len()
        ),
    )
    .await?;
    announce_change(&txn, &tenant.slug).await?;
    txn.commit().await
}

/// Drops a half-made target and makes the source writable again.
async fn undo(
    registry: &TenantRegistry,
    source: &DatabaseServer,
    source_location: &str,
    target: &DatabaseServer,
    target_location: &str,
) {
    if let Err(e) = databases::drop_database(registry, target, target_location).await {
        tracing::error!(error = %e, "move failed; could not drop the new database");
    }
    if let Err(e) = set_read_only(registry, source, source_location, false).await {
        tracing::error!(error = %e, "move failed; could not make the source writable again");
    }
}

/// Makes new sessions on the database read-only (or writable again) and
/// ends the current ones, so every pool reconnects with the new setting.
async fn set_read_only(
    registry: &TenantRegistry,
    server: &DatabaseServer,
    location: &str,
    read_only: bool,
) -> Result<(), MoveError> {
    let name = pg_ident(location)?;
    let admin = registry.admin(server.id).await?;
    let sql = if read_only {
        format!("ALTER DATABASE {name} SET default_transaction_read_only = on")
    } else {
        format!("ALTER DATABASE {name} RESET default_transaction_read_only")
    };
    admin.db.execute_unprepared(&sql).await?;
    admin
        .db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            [location.into()],
        ))
        .await?;
    Ok(())
}

async fn copy_tables(
    registry: &TenantRegistry,
    source: &DatabaseServer,
    source_location: &str,
    target: &DatabaseServer,
    target_location: &str,
) -> Result<BTreeMap<String, u64>, MoveError> {
    let from = registry.one_off(source.id, source_location, false).await?;
    let to = registry.one_off(target.id, target_location, false).await?;
    let result = copy_with(&from, &to).await;
    from.close().await.ok();
    to.close().await.ok();
    result
}

async fn copy_with(from: &OneOff, to: &OneOff) -> Result<BTreeMap<String, u64>, MoveError> {
    let tables = tables_in_dependency_order(&from.db).await?;
    let source_pool = from.db.get_postgres_connection_pool();
    let target_pool = to.db.get_postgres_connection_pool();
    let mut rows = BTreeMap::new();
    for table in tables.iter().filter(|t| t.as_str() != MIGRATIONS_TABLE) {
        let ident = pg_ident(table)?;
        let mut stream = source_pool
            .copy_out_raw(&format!("COPY {ident} TO STDOUT (FORMAT binary)"))
            .await
            .map_err(sqlx_err)?;
        let mut sink = target_pool
            .copy_in_raw(&format!("COPY {ident} FROM STDIN (FORMAT binary)"))
            .await
            .map_err(sqlx_err)?;
        while let Some(chunk) = stream.try_next().await.map_err(sqlx_err)? {
            sink.send(chunk).await.map_err(sqlx_err)?;
        }
        let copied = sink.finish().await.map_err(sqlx_err)?;
        let expected = count(&from.db, ident).await?;
        if copied != expected {
            return Err(MoveError::Refused(format!(
                "table {table}: copied {copied} rows of {expected}"
            )));
        }
        rows.insert(table.clone(), copied);
    }
    carry_sequences(&to.db).await?;
    Ok(rows)
}

/// Public tables, each after the tables its foreign keys point to.
async fn tables_in_dependency_order(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    let tables: BTreeSet<String> = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<String>("", "name"))
        .collect::<Result<_, _>>()?;
    let edges: Vec<(String, String)> = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k \
             JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE k.contype = 'f' AND n.nspname = 'public'",
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "child")?, r.try_get("", "parent")?)))
        .collect::<Result<_, DbErr>>()?;
    Ok(dependency_order(&tables, &edges))
}

/// Orders `tables` so that each comes after its parents. Self-references
/// and cycles do not stop it: what is left is appended in name order.
fn dependency_order(tables: &BTreeSet<String>, edges: &[(String, String)]) -> Vec<String> {
    let mut ordered = Vec::with_capacity(tables.len());
    let mut placed = BTreeSet::new();
    while placed.len() < tables.len() {
        let ready: Vec<&String> = tables
            .iter()
            .filter(|t| !placed.contains(*t))
            .filter(|t| {
                edges
                    .iter()
                    .filter(|(child, parent)| child == *t && parent != *t)
                    .all(|(_, parent)| placed.contains(parent) || !tables.contains(parent))
            })
            .collect();
        if ready.is_empty() {
            ordered.extend(tables.iter().filter(|t| !placed.contains(*t)).cloned());
            break;
        }
        for t in ready {
            placed.insert(t.clone());
            ordered.push(t.clone());
        }
    }
    ordered
}

async fn count(db: &DatabaseConnection, table: &str) -> Result<u64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT count(*) AS n FROM {table}"),
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("count returned nothing".into()))?;
    Ok(row.try_get::<i64>("", "n")?.max(0) as u64)
}

/// Sets every serial column's sequence past the copied rows.
async fn carry_sequences(db: &DatabaseConnection) -> Result<(), MoveError> {
    let columns = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
             WHERE table_schema = 'public' \
             AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')",
        ))
        .await?;
    for column in columns {
        let table: String = column.try_get("", "t")?;
        let name: String = column.try_get("", "c")?;
        let (table, name) = (pg_ident(&table)?, pg_ident(&name)?);
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{name}'), \
             COALESCE((SELECT max({name}) FROM {table}), 0) + 1, false)"
        ))
        .await?;
    }
    Ok(())
}

fn sqlx_err(e: sea_orm::sqlx::Error) -> MoveError {
    MoveError::Database(DbErr::Custom(format!("copying rows: {e}")))
}

#[cfg(test)]
mod tests {
    use super::dependency_order;
    use std::collections::BTreeSet;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parents_come_before_children_and_cycles_do_not_hang() {
        let tables = names(&["assignments", "repositories", "teams", "loop_a", "loop_b"]);
        let edge = |c: &str, p: &str| (c.to_owned(), p.to_owned());
        let edges = [
            edge("assignments", "teams"),
            edge("assignments", "repositories"),
            edge("repositories", "repositories"),
            edge("loop_a", "loop_b"),
            edge("loop_b", "loop_a"),
        ];
        let order = dependency_order(&tables, &edges);
        let at = |t: &str| order.iter().position(|x| x == t).unwrap();
        assert_eq!(order.len(), 5);
        assert!(at("teams") < at("assignments"));
        assert!(at("repositories") < at("assignments"));
    }
}
