//! What lives in an organization's own database: teams, repositories,
//! labels, the mapping, API tokens, settings and the organization's audit log.
//! May import: `entities::tenant`, the shared files (`error`, `time`), `model`.
//! Never `identity`, `web` or `rest`. Services take the connection first.

pub mod api_tokens;
pub mod audit;
pub mod dashboard;
pub mod domains;
pub mod labels;
pub mod logo;
pub mod mapping;
pub mod new_token;
pub mod notifications;
pub mod onboarding;
pub mod organization;
pub mod quota;
pub mod repositories;
pub mod rules;
pub mod settings;
pub mod teams;

use crate::model::AppError;
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PrimaryKeyTrait, QueryFilter, QuerySelect,
};
use std::collections::HashMap;

/// The row of `E` with primary key `id` in a tenant's database, or
/// `NotFound` (an id of another organization names nothing here).
pub async fn found<E>(db: &impl ConnectionTrait, id: i64) -> Result<E::Model, AppError>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id)
        .one(db)
        .await
        .map_err(crate::server::error::tenant_db)?
        .ok_or(AppError::NotFound)
}

/// How many rows of `E` each of `ids` has in the column `by`: one grouped
/// count, for the ids of one page (ids with none are absent).
pub async fn count_by<E: EntityTrait>(
    db: &impl ConnectionTrait,
    by: E::Column,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, u64>, DbErr> {
    let rows: Vec<(i64, i64)> = E::find()
        .select_only()
        .column(by)
        .column_as(Expr::col(by).count(), "n")
        .filter(by.is_in(ids))
        .group_by(by)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}
