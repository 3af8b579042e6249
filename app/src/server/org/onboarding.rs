//! Where the organization is with the onboarding wizard, kept in its
//! settings so that it resumes where it was left.

use crate::model::{onboarding::Progress, AppError};
use crate::server::{
    entities::tenant::{mapping_rules, repositories, teams},
    error::tenant_db,
    org::{
        audit::{self, Action, Actor, Change},
        settings::{self as org_settings, Key},
    },
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, TransactionTrait,
};

/// How far the organization's setup has come: what the wizard's steps make.
pub struct Counts {
    pub teams: u64,
    pub repositories: u64,
    pub rules: u64,
}

pub async fn counts(db: &impl ConnectionTrait) -> Result<Counts, DbErr> {
    Ok(Counts {
        teams: teams::Entity::find().count(db).await?,
        repositories: repositories::Entity::find().count(db).await?,
        rules: mapping_rules::Entity::find().count(db).await?,
    })
}

pub async fn progress(db: &impl ConnectionTrait) -> Result<Progress, DbErr> {
    let value = org_settings::get(db, Key::Onboarding).await?;
    Ok(Progress::from_setting(value.as_deref()))
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
    org_settings::put(&txn, Key::Onboarding, &progress.to_setting())
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: Action::OnboardingProgress,
        target: "onboarding".to_owned(),
        before: Some(before.to_setting()),
        after: Some(progress.to_setting()),
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)
}
