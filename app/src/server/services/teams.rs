//! Teams, in a tenant's own database.

use crate::model::{
    teams::{Team, MAX_TEAM_NAME_LEN},
    AppError, FieldErrors,
};
use crate::server::{
    entities::tenant::teams,
    error::tenant_db,
    services::audit::{self, Actor, Change},
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

/// Adds a team named `name` (trimmed), and records it in the audit log in
/// the same transaction.
///
/// # Errors
/// `Validation` on the `name` field when it is empty, too long or already
/// used in this organization; `Internal` when the database fails.
pub async fn add(db: &DatabaseConnection, actor: &Actor, name: &str) -> Result<Team, AppError> {
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
    errors.clone().into_result()?;

    let txn = db.begin().await.map_err(tenant_db)?;
    let taken = teams::Entity::find()
        .filter(teams::Column::Name.eq(name))
        .count(&txn)
        .await
        .map_err(tenant_db)?
        > 0;
    if taken {
        errors.add("name", "A team with this name already exists.");
        return Err(AppError::Validation(errors));
    }
    let inserted = teams::Entity::insert(teams::ActiveModel {
        name: Set(name.to_owned()),
        created_at: Set(now_unix()),
        ..Default::default()
    })
    .exec(&txn)
    .await;
    match inserted {
        Ok(result) => {
            let change = Change {
                action: "team.add",
                target: format!("team \"{name}\""),
                before: None,
                after: Some(name.to_owned()),
            };
            audit::record(&txn, actor, change)
                .await
                .map_err(tenant_db)?;
            txn.commit().await.map_err(tenant_db)?;
            Ok(Team {
                id: result.last_insert_id,
                name: name.to_owned(),
            })
        }
        // Two people adding the same name at once: the unique index decides.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            errors.add("name", "A team with this name already exists.");
            Err(AppError::Validation(errors))
        }
        Err(e) => Err(tenant_db(e)),
    }
}
