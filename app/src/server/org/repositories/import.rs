//! Adding repositories: a pasted list (one name or address a line, each
//! line reported), or one name. Valid lines are added even when others are not.

use crate::model::{
    plans::Cap,
    quota::Limit,
    repositories::{parse_line, parse_list, LineError, ParsedRepository, RepositoryRow},
    AppError, FieldErrors,
};
use crate::server::{
    entities::tenant::repositories,
    error::tenant_db,
    org::{
        audit::{Action, Actor, Change},
        mapping::assignments::{begin, finish, Scope},
        quota,
    },
    time::now_unix,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashSet;

use super::{query::row_of, CHUNK};

/// What adding a list did.
#[derive(Debug, Default)]
pub struct Added {
    pub names: Vec<String>,
    /// The lines left out, and why.
    pub errors: Vec<LineError>,
}

impl Added {
    /// The outcome as a form error when some lines were left out: each line
    /// with its message, and the left-out lines to edit and send again
    /// (the valid ones are already in).
    pub fn into_result(self) -> Result<Vec<String>, AppError> {
        crate::server::lines::answer(self.names, self.errors, |added| match added {
            0 => "No repository was added: fix the lines below.".to_owned(),
            n => format!("Added {n}. Fix the lines below and add them again."),
        })
    }
}

/// Adds the repositories of a pasted list (one name or URL a line). Valid
/// lines are added even when others are not; a name already linked is a
/// duplicate line.
pub async fn add_list(
    db: &DatabaseConnection,
    actor: &Actor,
    text: &str,
    cap: &Cap,
) -> Result<Added, AppError> {
    let parsed = parse_list(text);
    if parsed.repositories.is_empty() && parsed.errors.is_empty() {
        let mut errors = FieldErrors::default();
        errors.add("list", "Paste at least one repository name or address.");
        return Err(AppError::Validation(errors));
    }
    insert(db, actor, parsed.repositories, parsed.errors, cap).await
}

/// Adds one repository by name or URL.
pub async fn add_one(
    db: &DatabaseConnection,
    actor: &Actor,
    text: &str,
    cap: &Cap,
) -> Result<RepositoryRow, AppError> {
    let field_error = |message: String| AppError::field_echo("name", text.trim(), message);
    if text.trim().is_empty() {
        return Err(field_error(
            "Enter a repository, like acme/api or its address.".to_owned(),
        ));
    }
    let (name, url) = parse_line(text).map_err(field_error)?;
    let parsed = vec![ParsedRepository { line: 1, name, url }];
    let added = insert(db, actor, parsed, Vec::new(), cap).await?;
    if let Some(e) = added.errors.into_iter().next() {
        return Err(field_error(e.message));
    }
    let name = added.names.into_iter().next().unwrap_or_default();
    let row = repositories::Entity::find()
        .filter(repositories::Column::NameKey.eq(name.to_lowercase()))
        .one(db)
        .await
        .map_err(tenant_db)?
        .ok_or(AppError::NotFound)?;
    row_of(db, row).await
}

async fn insert(
    db: &DatabaseConnection,
    actor: &Actor,
    parsed: Vec<ParsedRepository>,
    mut errors: Vec<LineError>,
    cap: &Cap,
) -> Result<Added, AppError> {
    let txn = begin(db).await?;
    let keys: Vec<String> = parsed.iter().map(|r| r.name.to_lowercase()).collect();
    let mut existing = HashSet::new();
    for chunk in keys.chunks(CHUNK) {
        for row in repositories::Entity::find()
            .filter(repositories::Column::NameKey.is_in(chunk.to_vec()))
            .all(&txn)
            .await
            .map_err(tenant_db)?
        {
            existing.insert(row.name_key);
        }
    }
    let now = now_unix();
    let mut fresh = Vec::new();
    for repository in parsed {
        if existing.contains(&repository.name.to_lowercase()) {
            errors.push(LineError {
                line: repository.line,
                message: format!("{} is already linked.", repository.name),
                text: repository.url.clone().unwrap_or(repository.name),
            });
        } else {
            fresh.push(repository);
        }
    }
    // As many as the quota leaves room for; the lines after say why not.
    let room = quota::room(&txn, cap, repositories::Entity::find()).await?;
    let room = usize::try_from(room).unwrap_or(usize::MAX);
    if fresh.len() > room {
        errors.extend(fresh.split_off(room).into_iter().map(|r| LineError {
            line: r.line,
            message: cap.reached(),
            text: r.url.unwrap_or(r.name),
        }));
    }
    errors.sort_by_key(|e| e.line);
    let names: Vec<String> = fresh.iter().map(|r| r.name.clone()).collect();
    if fresh.is_empty() {
        return Ok(Added { names, errors });
    }
    let rows: Vec<repositories::ActiveModel> = fresh
        .into_iter()
        .map(|r| repositories::ActiveModel {
            name_key: Set(r.name.to_lowercase()),
            name: Set(r.name),
            url: Set(r.url),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    let mut ids = Vec::new();
    for chunk in rows.chunks(CHUNK) {
        repositories::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
            .map_err(tenant_db)?;
    }
    let new_keys: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    for chunk in new_keys.chunks(CHUNK) {
        ids.extend(
            repositories::Entity::find()
                .filter(repositories::Column::NameKey.is_in(chunk.to_vec()))
                .all(&txn)
                .await
                .map_err(tenant_db)?
                .into_iter()
                .map(|r| r.id),
        );
    }
    let change = Change {
        action: Action::RepositoryAdd,
        target: match names.as_slice() {
            [one] => format!("repository \"{one}\""),
            many => format!("{} repositories", many.len()),
        },
        before: None,
        after: Some(names.join("\n")),
    };
    finish(txn, actor, Some(change), Some(Scope::Repositories(ids))).await?;
    Ok(Added { names, errors })
}
