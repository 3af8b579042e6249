//! Labels, which repositories carry and label rules name. A label's name is
//! unique in its organization, ignoring case.

use crate::model::{
    mapping::{Label, MAX_LABEL_LEN},
    AppError, FieldErrors,
};
use crate::server::org::found;
use crate::server::{
    entities::tenant::{labels, repository_labels},
    error::tenant_db,
    org::{
        audit::{self, Actor, Change},
        mapping::assignments::{finish, lock, Scope},
    },
    time::now_unix,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::HashMap;

/// Why `name` cannot be a label, if it cannot.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        Err("Enter a label, like backend.".to_owned())
    } else if name.chars().count() > MAX_LABEL_LEN {
        Err(format!(
            "Use at most {MAX_LABEL_LEN} characters for a label."
        ))
    } else if name.contains(',') {
        Err("A label cannot contain a comma.".to_owned())
    } else if name.chars().any(char::is_control) {
        Err("Remove control characters from the label.".to_owned())
    } else {
        Ok(())
    }
}

fn field_error(field: &str, value: &str, message: String) -> AppError {
    let mut errors = FieldErrors::default().echo(field, value);
    errors.add(field, message);
    AppError::Validation(errors)
}

/// Every label, by name, with how many repositories carry it.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Label>, DbErr> {
    let mut counts: HashMap<i64, u64> = HashMap::new();
    for row in repository_labels::Entity::find().all(db).await? {
        *counts.entry(row.label_id).or_default() += 1;
    }
    Ok(labels::Entity::find()
        .order_by_asc(labels::Column::NameKey)
        .all(db)
        .await?
        .into_iter()
        .map(|l| Label {
            repository_count: counts.get(&l.id).copied().unwrap_or(0),
            id: l.id,
            name: l.name,
        })
        .collect())
}

/// The label `id` with how many repositories carry it, or `NotFound`.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Label, AppError> {
    let label = found::<labels::Entity>(db, id).await?;
    let repository_count = repository_labels::Entity::find()
        .filter(repository_labels::Column::LabelId.eq(id))
        .count(db)
        .await
        .map_err(tenant_db)?;
    Ok(Label {
        id: label.id,
        name: label.name,
        repository_count,
    })
}

pub async fn by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<labels::Model>, DbErr> {
    labels::Entity::find()
        .filter(labels::Column::NameKey.eq(name.trim().to_lowercase()))
        .one(db)
        .await
}

/// The label called `name` (ignoring case), created when there is none.
/// Call it inside the change's transaction, after [`lock`].
pub async fn find_or_create(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    name: &str,
) -> Result<labels::Model, AppError> {
    let name = name.trim();
    if let Some(label) = by_name(txn, name).await.map_err(tenant_db)? {
        return Ok(label);
    }
    check_name(name).map_err(|m| field_error("label", name, m))?;
    let model = labels::Entity::insert(labels::ActiveModel {
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        created_at: Set(now_unix()),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await
    .map_err(tenant_db)?;
    let change = Change {
        action: "label.add",
        target: format!("label \"{name}\""),
        before: None,
        after: Some(name.to_owned()),
    };
    audit::record(txn, actor, change).await.map_err(tenant_db)?;
    Ok(model)
}

/// Adds the label `name`.
pub async fn add(db: &DatabaseConnection, actor: &Actor, name: &str) -> Result<Label, AppError> {
    let name = name.trim();
    check_name(name).map_err(|m| field_error("name", name, m))?;
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
    if by_name(&txn, name).await.map_err(tenant_db)?.is_some() {
        return Err(field_error(
            "name",
            name,
            "A label with this name already exists.".to_owned(),
        ));
    }
    let label = find_or_create(&txn, actor, name).await?;
    txn.commit().await.map_err(tenant_db)?;
    Ok(Label {
        id: label.id,
        name: label.name,
        repository_count: 0,
    })
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<labels::Model, AppError> {
    found::<labels::Entity>(db, id).await
}

/// Renames the label `id`; its repositories and rules keep it.
pub async fn rename(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<(), AppError> {
    let name = name.trim();
    check_name(name).map_err(|m| field_error("name", name, m))?;
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
    let label = find(&txn, id).await?;
    if label.name == name {
        return Ok(());
    }
    let clash = labels::Entity::find()
        .filter(labels::Column::NameKey.eq(name.to_lowercase()))
        .filter(labels::Column::Id.ne(id))
        .count(&txn)
        .await
        .map_err(tenant_db)?;
    if clash > 0 {
        return Err(field_error(
            "name",
            name,
            "A label with this name already exists.".to_owned(),
        ));
    }
    labels::Entity::update(labels::ActiveModel {
        id: Set(id),
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(tenant_db)?;
    let change = Change {
        action: "label.rename",
        target: format!("label \"{}\"", label.name),
        before: Some(label.name),
        after: Some(name.to_owned()),
    };
    finish(txn, actor, Some(change), Some(Scope::All)).await
}

/// Removes the label `id` from every repository, with the rules that name it.
pub async fn remove(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
    let label = find(&txn, id).await?;
    labels::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: "label.remove",
        target: format!("label \"{}\"", label.name),
        before: Some(label.name),
        after: None,
    };
    finish(txn, actor, Some(change), Some(Scope::All)).await
}
