//! Services: async functions that take a connection first and hold all the
//! queries. Server functions and handlers stay thin adapters over them.

pub mod api_tokens;
pub mod assignments;
pub mod audit;
pub mod auth;
pub mod invitations;
pub mod labels;
pub mod members;
pub mod onboarding;
pub mod org_settings;
pub mod organization;
pub mod recovery;
pub mod repositories;
pub mod rules;
pub mod signup;
pub mod teams;
pub mod verification;

use crate::model::AppError;
use sea_orm::{ConnectionTrait, EntityTrait, PrimaryKeyTrait};

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
