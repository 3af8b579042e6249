//! Changing one repository: its name, its labels, a decision by hand, or
//! unlinking it.

use crate::model::{mapping::Decision, repositories::check_name, AppError};
use crate::server::{
    entities::tenant::{manual_decisions, repositories, repository_labels},
    error::tenant_db,
    org::{
        audit::{Action, Actor, Change},
        labels::find_or_create,
        mapping::assignments::{begin, finish, Scope},
        teams,
    },
    time::now_unix,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::{find, parse_labels, query::labels_of};

/// Renames the repository `id` (its address stays).
pub async fn rename(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<(), AppError> {
    let name = name.trim().trim_matches('/');
    let field_error = |message: String| AppError::field_echo("name", name, message);
    check_name(name).map_err(field_error)?;
    let txn = begin(db).await?;
    let repository = find(&txn, id).await?;
    if repository.name == name {
        return Ok(());
    }
    let clash = repositories::Entity::find()
        .filter(repositories::Column::NameKey.eq(name.to_lowercase()))
        .filter(repositories::Column::Id.ne(id))
        .count(&txn)
        .await
        .map_err(tenant_db)?;
    if clash > 0 {
        return Err(field_error(format!("{name} is already linked.")));
    }
    repositories::Entity::update(repositories::ActiveModel {
        id: Set(id),
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(tenant_db)?;
    let change = Change {
        action: Action::RepositoryRename,
        target: format!("repository \"{}\"", repository.name),
        before: Some(repository.name),
        after: Some(name.to_owned()),
    };
    finish(
        txn,
        actor,
        Some(change),
        Some(Scope::Repositories(vec![id])),
    )
    .await
}

/// Unlinks the repository `id`, with its labels, decisions and assignments.
pub async fn remove(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let txn = begin(db).await?;
    let repository = find(&txn, id).await?;
    repositories::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: Action::RepositoryRemove,
        target: format!("repository \"{}\"", repository.name),
        before: Some(repository.name),
        after: None,
    };
    finish(txn, actor, Some(change), None).await
}

/// Gives the repository `id` exactly the labels in `text` (comma-separated),
/// creating the labels the organization does not have yet.
pub async fn set_labels(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    text: &str,
) -> Result<Vec<String>, AppError> {
    let wanted = parse_labels(text)
        .map_err(|message| AppError::field_echo("labels", text.trim(), message))?;
    let txn = begin(db).await?;
    let repository = find(&txn, id).await?;
    let before = labels_of(&txn, &[id]).await.map_err(tenant_db)?.remove(&id);
    let mut label_ids = Vec::new();
    for name in &wanted {
        let label = find_or_create(&txn, actor, name, "labels")
            .await
            .map_err(|e| e.echoing("labels", text.trim()))?;
        label_ids.push(label.id);
    }
    repository_labels::Entity::delete_many()
        .filter(repository_labels::Column::RepositoryId.eq(id))
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    if !label_ids.is_empty() {
        repository_labels::Entity::insert_many(label_ids.into_iter().map(|label_id| {
            repository_labels::ActiveModel {
                repository_id: Set(id),
                label_id: Set(label_id),
            }
        }))
        .exec_without_returning(&txn)
        .await
        .map_err(tenant_db)?;
    }
    let before = before.unwrap_or_default().join(", ");
    let after = wanted.join(", ");
    let change = (before != after).then(|| Change {
        action: Action::RepositoryLabels,
        target: format!("repository \"{}\"", repository.name),
        before: Some(before),
        after: Some(after),
    });
    finish(txn, actor, change, Some(Scope::Repositories(vec![id]))).await?;
    Ok(wanted)
}

/// Assigns the repository to the team, excludes it from the team, or (with
/// `None`) leaves it to the rules again.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    repository_id: i64,
    team_id: i64,
    decision: Option<Decision>,
) -> Result<(), AppError> {
    let txn = begin(db).await?;
    let repository = find(&txn, repository_id).await?;
    let team = teams::get(&txn, team_id).await.map_err(|e| match e {
        AppError::NotFound => AppError::field("team_id", "Choose one of the teams."),
        other => other,
    })?;
    let before = manual_decisions::Entity::find_by_id((repository_id, team_id))
        .one(&txn)
        .await
        .map_err(tenant_db)?
        .map(|d| d.decision);
    manual_decisions::Entity::delete_by_id((repository_id, team_id))
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    if let Some(decision) = decision {
        manual_decisions::Entity::insert(manual_decisions::ActiveModel {
            repository_id: Set(repository_id),
            team_id: Set(team_id),
            decision: Set(decision.as_str().to_owned()),
            created_at: Set(now_unix()),
        })
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    }
    let after = decision.map(|d| d.as_str().to_owned());
    let change = (before != after).then(|| Change {
        action: Action::RepositoryDecision,
        target: format!("repository \"{}\", team \"{}\"", repository.name, team.name),
        before,
        after,
    });
    let scope = Scope::Repositories(vec![repository_id]);
    finish(txn, actor, change, Some(scope)).await
}
