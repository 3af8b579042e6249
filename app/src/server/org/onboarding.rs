//! Where the organization is with the onboarding wizard, kept in its
//! settings so that it resumes where it was left.

use crate::model::{onboarding::Progress, AppError};
use crate::server::{
    entities::tenant::settings,
    error::tenant_db,
    org::{
        audit::{self, Actor, Change},
        settings as org_settings,
    },
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, TransactionTrait};

const KEY: &str = "onboarding";

pub async fn progress(db: &impl ConnectionTrait) -> Result<Progress, DbErr> {
    let row = settings::Entity::find_by_id(KEY.to_owned()).one(db).await?;
    Ok(Progress::from_setting(
        row.as_ref().map(|r| r.value.as_str()),
    ))
}

/// Saves `progress`; a change is recorded in the audit log.
pub async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    progress: Progress,
) -> Result<(), AppError> {
    let txn = db.begin().await.map_err(tenant_db)?;
    let before = self::progress(&txn).await.map_err(tenant_db)?;
    if before == progress {
        return Ok(());
    }
    org_settings::put(&txn, KEY, &progress.to_setting())
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: "onboarding.progress",
        target: "onboarding".to_owned(),
        before: Some(before.to_setting()),
        after: Some(progress.to_setting()),
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)
}
