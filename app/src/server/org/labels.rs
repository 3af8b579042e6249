//! Labels, which repositories carry and label rules name. A label's name is
//! unique in its organization, ignoring case.

use crate::model::{
    mapping::{check_label, Label},
    quota::LABELS,
    AppError,
};
use crate::server::org::{count_by, found};
use crate::server::{
    entities::tenant::{labels, repository_labels},
    error::tenant_db,
    org::{
        audit::{self, Action, Actor, Change},
        mapping::assignments::{begin, finish, Scope},
        quota,
    },
    time::now_unix,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

/// Every label, by name, with how many repositories carry it.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Label>, DbErr> {
    let found = labels::Entity::find()
        .order_by_asc(labels::Column::NameKey)
        .all(db)
        .await?;
    with_counts(db, found).await
}

/// Page `index` (0-based) of the labels by name, `per_page` a page, and how
/// many labels there are in all.
pub async fn page(
    db: &impl ConnectionTrait,
    index: u64,
    per_page: u64,
) -> Result<(Vec<Label>, u64), DbErr> {
    let pages = labels::Entity::find()
        .order_by_asc(labels::Column::NameKey)
        .order_by_asc(labels::Column::Id)
        .paginate(db, per_page);
    let total = pages.num_items().await?;
    let found = pages.fetch_page(index).await?;
    Ok((with_counts(db, found).await?, total))
}

/// `found`, each with how many repositories carry it: one grouped count.
async fn with_counts(
    db: &impl ConnectionTrait,
    found: Vec<labels::Model>,
) -> Result<Vec<Label>, DbErr> {
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let counts = count_by::<repository_labels::Entity>(
        db,
        repository_labels::Column::LabelId,
        found.iter().map(|l| l.id),
    )
    .await?;
    Ok(found
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

/// The label called `name` (ignoring case), created when there is none
/// (an error on `field` when it cannot be: not a label's name, or the
/// organization has as many labels as it may). Call it inside the change's
/// transaction, after [`lock`].
pub async fn find_or_create(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    name: &str,
    field: &str,
) -> Result<labels::Model, AppError> {
    let name = name.trim();
    if let Some(label) = by_name(txn, name).await.map_err(tenant_db)? {
        return Ok(label);
    }
    check_label(name).map_err(|m| AppError::field_echo(field, name, m))?;
    quota::check(txn, &LABELS, labels::Entity::find(), field).await?;
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
        action: Action::LabelAdd,
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
    check_label(name).map_err(|m| AppError::field_echo("name", name, m))?;
    let txn = begin(db).await?;
    if by_name(&txn, name).await.map_err(tenant_db)?.is_some() {
        return Err(AppError::field_echo(
            "name",
            name,
            "A label with this name already exists.".to_owned(),
        ));
    }
    let label = find_or_create(&txn, actor, name, "name").await?;
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
    check_label(name).map_err(|m| AppError::field_echo("name", name, m))?;
    let txn = begin(db).await?;
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
        return Err(AppError::field_echo(
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
        action: Action::LabelRename,
        target: format!("label \"{}\"", label.name),
        before: Some(label.name),
        after: Some(name.to_owned()),
    };
    finish(txn, actor, Some(change), Some(Scope::All)).await
}

/// Removes the label `id` from every repository, with the rules that name it.
pub async fn remove(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let txn = begin(db).await?;
    let label = find(&txn, id).await?;
    labels::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: Action::LabelRemove,
        target: format!("label \"{}\"", label.name),
        before: Some(label.name),
        after: None,
    };
    finish(txn, actor, Some(change), Some(Scope::All)).await
}
