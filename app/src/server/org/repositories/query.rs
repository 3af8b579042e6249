//! Reading repositories back: one page of a filtered, sorted list, one
//! repository with its teams and why, every name for previews.

use crate::model::{
    mapping::{Decision, ManualDecision},
    repositories::{RepositoryDetail, RepositoryPage, RepositoryQuery, RepositoryRow, Sort},
    AppError,
};
use crate::server::{
    entities::tenant::{assignments, labels, manual_decisions, repositories, repository_labels},
    error::tenant_db,
    like,
    org::{
        mapping::assignments::{ownerships, team_names},
        teams,
    },
    paging,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

use super::{find, CHUNK, PER_PAGE};

/// The label names of each of `ids`, sorted.
pub(super) async fn labels_of(
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

pub(super) async fn row_of(
    db: &impl ConnectionTrait,
    model: repositories::Model,
) -> Result<RepositoryRow, AppError> {
    rows_of(db, vec![model])
        .await
        .map_err(tenant_db)?
        .pop()
        .ok_or(AppError::NotFound)
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
        select =
            select.filter(Expr::col(repositories::Column::NameKey).like(like::containing(&search)));
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
    let found = paging::fetch(select, db, per_page, query.page).await?;
    let all = repositories::Entity::find().count(db).await?;
    let unassigned = repositories::Entity::find()
        .filter(repositories::Column::Id.not_in_subquery(assigned_ids()))
        .count(db)
        .await?;
    Ok(RepositoryPage {
        rows: rows_of(db, found.items).await?,
        total: found.total,
        page: found.page,
        pages: found.pages,
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
