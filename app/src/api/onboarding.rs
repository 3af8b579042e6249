//! The onboarding wizard's progress: read, moved to a step, finished or
//! skipped. Each step's own forms use the teams, repositories and mapping
//! server functions.

use crate::model::{onboarding::Onboarding, AppError};
use leptos::prelude::*;

#[server(endpoint = "onboarding")]
pub async fn get_onboarding() -> Result<Onboarding, AppError> {
    use crate::model::Permission;
    use crate::server::{error::tenant_db, org::onboarding, web::context};
    let access = context::require(Permission::ViewOrganization).await?;
    let db = &access.ctx.db;
    let counts = onboarding::counts(db).await.map_err(tenant_db)?;
    Ok(Onboarding {
        org_name: access.ctx.tenant.name.clone(),
        progress: onboarding::progress(db).await.map_err(tenant_db)?,
        may_manage: access.member.role.grants(Permission::ManageSettings),
        team_count: counts.teams,
        repository_count: counts.repositories,
        rule_count: counts.rules,
    })
}

/// Saves `step` as where the wizard resumes, and shows it.
#[server(endpoint = "onboarding_step")]
pub async fn go_to_step(step: String) -> Result<(), AppError> {
    use crate::model::{
        onboarding::{Progress, Step},
        Permission,
    };
    use crate::server::{org::onboarding, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    let step = Step::parse(&step).ok_or_else(|| AppError::field("step", "Choose a step."))?;
    onboarding::save(&access.ctx.db, &access.actor(), Progress::At(step)).await?;
    leptos_axum::redirect(&format!("/onboarding?step={}", step.as_str()));
    Ok(())
}

/// Ends the wizard: `finished` after the review, or `skipped`.
#[server(endpoint = "end_onboarding")]
pub async fn end_onboarding(how: String) -> Result<(), AppError> {
    use crate::model::{onboarding::Progress, Permission};
    use crate::server::{org::onboarding, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    let progress = match how.as_str() {
        "finished" => Progress::Finished,
        "skipped" => Progress::Skipped,
        _ => return Err(AppError::field("how", "Finish or skip.")),
    };
    onboarding::save(&access.ctx.db, &access.actor(), progress).await?;
    leptos_axum::redirect("/");
    Ok(())
}
