//! Repositories and their labels, in a tenant's own database. Every change
//! recomputes the assignments of the repositories it touched, in its own
//! transaction, and writes an audit entry.

use crate::model::{
    mapping::{Decision, ManualDecision, MAX_LABELS_PER_REPOSITORY},
    repositories::{
        check_name, parse_line, parse_list, LineError, ParsedRepository, RepositoryDetail,
        RepositoryPage, RepositoryQuery, RepositoryRow, Sort,
    },
    AppError, FieldErrors,
};
use crate::server::org::found;
use crate::server::{
    entities::tenant::{assignments, labels, manual_decisions, repositories, repository_labels},
    error::tenant_db,
    org::{
        audit::{Actor, Change},
        labels::find_or_create,
        mapping::assignments::{finish, lock, ownerships, team_names, Scope},
        teams,
    },
    time::now_unix,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// Repositories per page of the list.
pub const PER_PAGE: u64 = 50;
/// Most left-out lines of a pasted list reported back.
pub const MAX_LINES_REPORTED: usize = 50;
const CHUNK: usize = 500;

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
        if self.errors.is_empty() {
            return Ok(self.names);
        }
        let left_out = self.errors.len();
        // The answer stays small (it may travel in an address without
        // JavaScript): the first lines left out, each with its reason.
        let shown: Vec<LineError> = self.errors.into_iter().take(MAX_LINES_REPORTED).collect();
        let kept: Vec<&str> = shown.iter().map(|e| e.text.as_str()).collect();
        let mut errors = FieldErrors::default()
            .echo("list", &kept.join("\n"))
            .echo("added", &self.names.len().to_string());
        let more = if left_out > shown.len() {
            format!(
                " {left_out} lines were left out; the first {} are below.",
                shown.len()
            )
        } else {
            String::new()
        };
        errors.add(
            "list",
            match self.names.len() {
                0 => format!("No repository was added: fix the lines below.{more}"),
                n => format!("Added {n}. Fix the lines below and add them again.{more}"),
            },
        );
        for e in shown {
            let key = format!("line:{}", e.line);
            errors.add(&key, e.message);
            errors.values.insert(key, e.text);
        }
        Err(AppError::Validation(errors))
    }
}

/// Adds the repositories of a pasted list (one name or URL a line). Valid
/// lines are added even when others are not; a name already linked is a
/// duplicate line.
pub async fn add_list(
    db: &DatabaseConnection,
    actor: &Actor,
    text: &str,
) -> Result<Added, AppError> {
    let parsed = parse_list(text);
    if parsed.repositories.is_empty() && parsed.errors.is_empty() {
        let mut errors = FieldErrors::default();
        errors.add("list", "Paste at least one repository name or address.");
        return Err(AppError::Validation(errors));
    }
    insert(db, actor, parsed.repositories, parsed.errors).await
}

/// Adds one repository by name or URL.
pub async fn add_one(
    db: &DatabaseConnection,
    actor: &Actor,
    text: &str,
) -> Result<RepositoryRow, AppError> {
    let field_error = |message: String| {
        let mut errors = FieldErrors::default().echo("name", text.trim());
        errors.add("name", message);
        AppError::Validation(errors)
    };
    if text.trim().is_empty() {
        return Err(field_error(
            "Enter a repository, like acme/api or its address.".to_owned(),
        ));
    }
    let (name, url) = parse_line(text).map_err(field_error)?;
    let parsed = vec![ParsedRepository { line: 1, name, url }];
    let added = insert(db, actor, parsed, Vec::new()).await?;
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
) -> Result<Added, AppError> {
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
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
        action: "repository.add",
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

/// The repository `id`, or `NotFound`.
async fn find(db: &impl ConnectionTrait, id: i64) -> Result<repositories::Model, AppError> {
    found::<repositories::Entity>(db, id).await
}

/// Renames the repository `id` (its address stays).
pub async fn rename(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<(), AppError> {
    let name = name.trim().trim_matches('/');
    let field_error = |message: String| {
        let mut errors = FieldErrors::default().echo("name", name);
        errors.add("name", message);
        AppError::Validation(errors)
    };
    check_name(name).map_err(field_error)?;
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
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
        action: "repository.rename",
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
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
    let repository = find(&txn, id).await?;
    repositories::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: "repository.remove",
        target: format!("repository \"{}\"", repository.name),
        before: Some(repository.name),
        after: None,
    };
    finish(txn, actor, Some(change), None).await
}

/// Comma-separated labels, trimmed, without duplicates (ignoring case the
/// way label names are compared).
pub fn parse_labels(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for label in text.split(',').map(str::trim).filter(|l| !l.is_empty()) {
        crate::server::org::labels::check_name(label)?;
        if !out.iter().any(|l| l.to_lowercase() == label.to_lowercase()) {
            out.push(label.to_owned());
        }
    }
    if out.len() > MAX_LABELS_PER_REPOSITORY {
        return Err(format!(
            "Use at most {MAX_LABELS_PER_REPOSITORY} labels on one repository."
        ));
    }
    Ok(out)
}

/// Gives the repository `id` exactly the labels in `text` (comma-separated),
/// creating the labels the organization does not have yet.
pub async fn set_labels(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    text: &str,
) -> Result<Vec<String>, AppError> {
    let wanted = parse_labels(text).map_err(|message| {
        let mut errors = FieldErrors::default().echo("labels", text.trim());
        errors.add("labels", message);
        AppError::Validation(errors)
    })?;
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
    let repository = find(&txn, id).await?;
    let before = labels_of(&txn, &[id]).await.map_err(tenant_db)?.remove(&id);
    let mut label_ids = Vec::new();
    for name in &wanted {
        label_ids.push(find_or_create(&txn, actor, name).await?.id);
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
        action: "repository.labels",
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
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
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
        action: "repository.decision",
        target: format!("repository \"{}\", team \"{}\"", repository.name, team.name),
        before,
        after,
    });
    let scope = Scope::Repositories(vec![repository_id]);
    finish(txn, actor, change, Some(scope)).await
}

/// The label names of each of `ids`, sorted.
async fn labels_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let names: HashMap<i64, String> = labels::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    for chunk in ids.chunks(CHUNK) {
        for row in repository_labels::Entity::find()
            .filter(repository_labels::Column::RepositoryId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            if let Some(name) = names.get(&row.label_id) {
                out.entry(row.repository_id).or_default().push(name.clone());
            }
        }
    }
    for labels in out.values_mut() {
        labels.sort_by_key(|l| l.to_lowercase());
    }
    Ok(out)
}

/// `models` with their labels and teams.
async fn rows_of(
    db: &impl ConnectionTrait,
    models: Vec<repositories::Model>,
) -> Result<Vec<RepositoryRow>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|r| r.id).collect();
    let mut labels = labels_of(db, &ids).await?;
    let mut teams = ownerships(db, &ids).await?;
    Ok(models
        .into_iter()
        .map(|r| RepositoryRow {
            id: r.id,
            labels: labels.remove(&r.id).unwrap_or_default(),
            teams: teams.remove(&r.id).unwrap_or_default(),
            name: r.name,
            url: r.url,
        })
        .collect())
}

async fn row_of(
    db: &impl ConnectionTrait,
    model: repositories::Model,
) -> Result<RepositoryRow, AppError> {
    rows_of(db, vec![model])
        .await
        .map_err(tenant_db)?
        .pop()
        .ok_or(AppError::NotFound)
}

/// `%text%` for LIKE, with LIKE's own characters taken literally.
fn containing(text: &str) -> LikeExpr {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

fn assigned_ids() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(assignments::Column::RepositoryId)
        .from(assignments::Entity)
        .to_owned()
}

/// One page of the repositories that match `query`.
pub async fn list(
    db: &impl ConnectionTrait,
    query: &RepositoryQuery,
) -> Result<RepositoryPage, DbErr> {
    let mut select = repositories::Entity::find();
    let search = query.q.trim().to_lowercase();
    if !search.is_empty() {
        select = select.filter(Expr::col(repositories::Column::NameKey).like(containing(&search)));
    }
    if let Some(team_id) = query.team_id {
        select = select.filter(
            repositories::Column::Id.in_subquery(
                assigned_ids()
                    .and_where(assignments::Column::TeamId.eq(team_id))
                    .to_owned(),
            ),
        );
    }
    let label = query.label.trim().to_lowercase();
    if !label.is_empty() {
        select = select.filter(
            repositories::Column::Id.in_subquery(
                Query::select()
                    .column(repository_labels::Column::RepositoryId)
                    .from(repository_labels::Entity)
                    .inner_join(
                        labels::Entity,
                        Expr::col((labels::Entity, labels::Column::Id)).equals((
                            repository_labels::Entity,
                            repository_labels::Column::LabelId,
                        )),
                    )
                    .and_where(Expr::col((labels::Entity, labels::Column::NameKey)).eq(label))
                    .to_owned(),
            ),
        );
    }
    if query.unassigned {
        select = select.filter(repositories::Column::Id.not_in_subquery(assigned_ids()));
    }
    select = match query.sort {
        Sort::Name => select.order_by_asc(repositories::Column::NameKey),
        Sort::NameDesc => select.order_by_desc(repositories::Column::NameKey),
        Sort::Newest => select
            .order_by_desc(repositories::Column::CreatedAt)
            .order_by_desc(repositories::Column::Id),
        Sort::Oldest => select
            .order_by_asc(repositories::Column::CreatedAt)
            .order_by_asc(repositories::Column::Id),
    };
    let per_page = if query.per_page == 0 {
        PER_PAGE
    } else {
        query.per_page
    };
    let paginator = select.paginate(db, per_page);
    let counts = paginator.num_items_and_pages().await?;
    let pages = Ord::max(counts.number_of_pages, 1);
    let page = query.page.clamp(1, pages);
    let models = paginator.fetch_page(page - 1).await?;
    let all = repositories::Entity::find().count(db).await?;
    let unassigned = repositories::Entity::find()
        .filter(repositories::Column::Id.not_in_subquery(assigned_ids()))
        .count(db)
        .await?;
    Ok(RepositoryPage {
        rows: rows_of(db, models).await?,
        total: counts.number_of_items,
        page,
        pages,
        all,
        unassigned,
    })
}

/// The repository `id` with its teams and why, and its manual decisions.
pub async fn detail(db: &impl ConnectionTrait, id: i64) -> Result<RepositoryDetail, AppError> {
    let repository = row_of(db, find(db, id).await?).await?;
    let names = team_names(db).await.map_err(tenant_db)?;
    let mut decisions: Vec<ManualDecision> = manual_decisions::Entity::find()
        .filter(manual_decisions::Column::RepositoryId.eq(id))
        .all(db)
        .await
        .map_err(tenant_db)?
        .into_iter()
        .filter_map(|d| {
            Some(ManualDecision {
                team_name: names.get(&d.team_id)?.clone(),
                team_id: d.team_id,
                decision: Decision::parse(&d.decision)?,
            })
        })
        .collect();
    decisions.sort_by(|a, b| a.team_name.cmp(&b.team_name));
    Ok(RepositoryDetail {
        repository,
        decisions,
        all_teams: teams::list(db).await.map_err(tenant_db)?,
    })
}

/// Every repository's name, for previews.
pub async fn names(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Ok(repositories::Entity::find()
        .order_by_asc(repositories::Column::NameKey)
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect())
}
