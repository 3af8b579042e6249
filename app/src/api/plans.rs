//! The organization's plan: what it holds against each limit, every plan on
//! offer with what a move there must remove first, and the move (owners).

use crate::model::{plans::PlanPage, AppError};
use leptos::prelude::*;

#[server(endpoint = "plan")]
pub async fn get_plan() -> Result<PlanPage, AppError> {
    use crate::model::{
        dashboard::Usage,
        plans::{exceeds, PlanOption},
        Permission,
    };
    use crate::server::web::context;
    let access = context::require(Permission::ManageSettings).await?;
    let used = used(&access).await?;
    let plans = &access.state.settings.plans;
    let current = plans.of(access.ctx.tenant.plan.as_deref());
    Ok(PlanPage {
        current: current.name.clone(),
        usage: used
            .iter()
            .map(|(resource, used)| Usage {
                noun: resource.cap().noun.to_owned(),
                used: *used,
                max: current.limit(*resource),
            })
            .collect(),
        plans: plans
            .all()
            .iter()
            .map(|plan| PlanOption {
                name: plan.name.clone(),
                label: plan.label.clone(),
                limits: plan.limits,
                current: plan.name == current.name,
                exceeds: exceeds(plan, &used),
            })
            .collect(),
        owner: access.member.role.grants(Permission::ManageOwners),
    })
}

/// Moves the organization to another plan, if what it holds fits there.
#[server(endpoint = "change_plan")]
pub async fn change_plan(plan: String) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::organization, web::context};
    let access = context::require(Permission::ManageOwners).await?;
    let used = used(&access).await?;
    let state = &access.state;
    organization::change_plan(
        &state.control,
        &state.directory,
        &access.ctx,
        &access.actor(),
        (&state.settings.plans, &used),
        &plan,
    )
    .await?;
    if context::plain_form_post() {
        leptos_axum::redirect("/settings/plan?changed=1");
    }
    Ok(())
}

/// What the organization holds of each kind a plan limits: a fixed number
/// of statements (the dashboard's counts, and the headcount).
#[cfg(feature = "ssr")]
async fn used(
    access: &crate::server::web::context::Access,
) -> Result<crate::model::plans::Used, AppError> {
    use crate::model::plans::Resource;
    use crate::server::{error::internal, identity::members, org::dashboard, time::now_unix};
    let figures = dashboard::figures(&access.ctx.db, now_unix(), &access.local()).await?;
    let (members, open) = members::headcount(&access.state.control, access.ctx.tenant.id)
        .await
        .map_err(internal)?;
    Ok([
        (Resource::Members, members + open),
        (Resource::Repositories, figures.repositories),
        (Resource::Teams, figures.teams),
        (Resource::Rules, figures.rules),
        (Resource::ApiTokens, figures.api_tokens),
    ])
}
