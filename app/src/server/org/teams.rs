//! Teams, in a tenant's own database.

use crate::model::{
    teams::{Team, TeamRow, MAX_TEAM_NAME_LEN},
    AppError, FieldErrors,
};
use crate::server::org::found;
use crate::server::{
    entities::tenant::{assignments, teams},
    error::tenant_db,
    org::{
        audit::{self, Actor, Change},
        mapping::assignments::{finish, lock},
    },
    time::now_unix,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, SqlErr, TransactionTrait,
};

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Team>, DbErr> {
    Ok(teams::Entity::find()
        .order_by_asc(teams::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|t| Team {
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// Every team, by name, with how many repositories it has.
pub async fn rows(db: &impl ConnectionTrait) -> Result<Vec<TeamRow>, DbErr> {
    let mut counts = std::collections::HashMap::new();
    for row in assignments::Entity::find().all(db).await? {
        *counts.entry(row.team_id).or_insert(0u64) += 1;
    }
    Ok(list(db)
        .await?
        .into_iter()
        .map(|t| TeamRow {
            repository_count: counts.get(&t.id).copied().unwrap_or(0),
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// The team `id`, or `NotFound`.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<teams::Model, AppError> {
    found::<teams::Entity>(db, id).await
}

/// The trimmed name, or the errors for the `name` field.
fn checked_name(name: &str) -> Result<String, FieldErrors> {
    let name = name.trim();
    let mut errors = FieldErrors::default().echo("name", name);
    if name.is_empty() {
        errors.add("name", "Enter a team name.");
    } else if name.chars().count() > MAX_TEAM_NAME_LEN {
        errors.add(
            "name",
            format!("Use at most {MAX_TEAM_NAME_LEN} characters."),
        );
    } else if name.chars().any(char::is_control) {
        errors.add("name", "Remove control characters from the name.");
    }
    if errors.is_empty() {
        Ok(name.to_owned())
    } else {
        Err(errors)
    }
}

fn name_taken(name: &str) -> AppError {
    let mut errors = FieldErrors::default().echo("name", name);
    errors.add("name", "A team with this name already exists.");
    AppError::Validation(errors)
}

/// Whether another team than `except` is called `name`.
async fn taken(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<i64>,
) -> Result<bool, AppError> {
    let mut query = teams::Entity::find().filter(teams::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(teams::Column::Id.ne(id));
    }
    Ok(query.count(db).await.map_err(tenant_db)? > 0)
}

/// The unique index decides between two people saving the same name at once.
fn unique_or(e: DbErr, name: &str) -> AppError {
    if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        name_taken(name)
    } else {
        tenant_db(e)
    }
}

/// Adds a team named `name` (trimmed), and records it in the audit log in
/// the same transaction.
///
/// # Errors
/// `Validation` on the `name` field when it is empty, too long or already
/// used in this organization; `Internal` when the database fails.
pub async fn add(db: &DatabaseConnection, actor: &Actor, name: &str) -> Result<Team, AppError> {
    let name = checked_name(name).map_err(AppError::Validation)?;
    let txn = db.begin().await.map_err(tenant_db)?;
    if taken(&txn, &name, None).await? {
        return Err(name_taken(&name));
    }
    let result = teams::Entity::insert(teams::ActiveModel {
        name: Set(name.clone()),
        created_at: Set(now_unix()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| unique_or(e, &name))?;
    let change = Change {
        action: "team.add",
        target: format!("team \"{name}\""),
        before: None,
        after: Some(name.clone()),
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)?;
    Ok(Team {
        id: result.last_insert_id,
        name,
    })
}

/// Renames the team `id`.
pub async fn rename(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<Team, AppError> {
    let name = checked_name(name).map_err(AppError::Validation)?;
    let txn = db.begin().await.map_err(tenant_db)?;
    let team = get(&txn, id).await?;
    if team.name == name {
        return Ok(Team { id, name });
    }
    if taken(&txn, &name, Some(id)).await? {
        return Err(name_taken(&name));
    }
    teams::Entity::update(teams::ActiveModel {
        id: Set(id),
        name: Set(name.clone()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| unique_or(e, &name))?;
    let change = Change {
        action: "team.rename",
        target: format!("team \"{}\"", team.name),
        before: Some(team.name),
        after: Some(name.clone()),
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)?;
    Ok(Team { id, name })
}

/// Removes the team `id`, with its rules, decisions and assignments (the
/// repositories stay).
pub async fn remove(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
    let team = get(&txn, id).await?;
    teams::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: "team.remove",
        target: format!("team \"{}\"", team.name),
        before: Some(team.name),
        after: None,
    };
    finish(txn, actor, Some(change), None).await
}
