//! The warm pool: databases cloned from the template ahead of time on a
//! PostgreSQL server, which sign-up claims by renaming instead of cloning.

use super::{clone_template, drop_database, suffix};
use crate::db::now_unix;
use crate::db::pg_ident;
use crate::entities::warm_databases;
use crate::registry::{DatabaseServer, RegistryError, TenantRegistry};
use migration::TenantMigrator;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

/// Takes a database from the server's warm pool, if one at the latest
/// schema is there, and renames it to `location`.
pub(super) async fn claim_warm(
    control: &impl ConnectionTrait,
    registry: &TenantRegistry,
    server: &DatabaseServer,
    location: &str,
) -> Result<bool, RegistryError> {
    let version = TenantMigrator::latest_version();
    for _ in 0..3 {
        let Some(candidate) = warm_databases::Entity::find()
            .filter(warm_databases::Column::ServerId.eq(server.id))
            .filter(warm_databases::Column::SchemaVersion.eq(version.clone()))
            .order_by_asc(warm_databases::Column::Id)
            .one(control)
            .await?
        else {
            return Ok(false);
        };
        // The row is the claim: whoever deletes it owns the database.
        let deleted = warm_databases::Entity::delete_by_id(candidate.id)
            .exec(control)
            .await?;
        if deleted.rows_affected != 1 {
            continue;
        }
        let admin = registry.admin(server.id).await?;
        let renamed = admin
            .db
            .execute_unprepared(&format!(
                "ALTER DATABASE {} RENAME TO {}",
                pg_ident(&candidate.location)?,
                pg_ident(location)?
            ))
            .await;
        match renamed {
            Ok(_) => return Ok(true),
            Err(e) => {
                tracing::warn!(error = %e, "could not rename a warm database; dropping it");
                drop_database(registry, server, &candidate.location)
                    .await
                    .ok();
                return Ok(false);
            }
        }
    }
    Ok(false)
}

/// Tops the server's warm pool up to `target` databases at the latest
/// schema, dropping any left at an older one. Returns how many it made.
///
/// # Errors
/// When the server or the control plane fails.
pub async fn fill_warm_pool(
    control: &impl ConnectionTrait,
    registry: &TenantRegistry,
    server: &DatabaseServer,
    target: u32,
) -> Result<u32, RegistryError> {
    if !server.is_postgres() {
        return Ok(0);
    }
    let version = TenantMigrator::latest_version();
    let stale = warm_databases::Entity::find()
        .filter(warm_databases::Column::ServerId.eq(server.id))
        .filter(warm_databases::Column::SchemaVersion.ne(version.clone()))
        .all(control)
        .await?;
    for warm in stale {
        let deleted = warm_databases::Entity::delete_by_id(warm.id)
            .exec(control)
            .await?;
        if deleted.rows_affected == 1 {
            drop_database(registry, server, &warm.location).await?;
        }
    }
    let have = warm_databases::Entity::find()
        .filter(warm_databases::Column::ServerId.eq(server.id))
        .count(control)
        .await? as u32;
    let mut made = 0;
    for _ in have..target {
        let location = format!("{}warm_{}", registry.settings().name_prefix, suffix());
        clone_template(registry, server, &location).await?;
        let recorded = warm_databases::ActiveModel {
            server_id: Set(server.id),
            location: Set(location.clone()),
            schema_version: Set(version.clone()),
            created_at: Set(now_unix()),
            ..Default::default()
        }
        .insert(control)
        .await;
        if let Err(e) = recorded {
            drop_database(registry, server, &location).await.ok();
            return Err(e.into());
        }
        made += 1;
    }
    Ok(made)
}
