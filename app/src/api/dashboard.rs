//! The admins' dashboard on an organization's home.

use crate::model::{dashboard::Dashboard, AppError};
use leptos::prelude::*;

/// The organization at a glance, for those who may read its audit log: a
/// fixed number of statements whatever its size (one on the control
/// database, four on the organization's).
#[server(endpoint = "dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::model::{
        dashboard::{Usage, ACTIVITY_DAYS},
        plans::Resource,
        quota, Permission,
    };
    use crate::server::{
        chart, error::internal, identity::members, org::dashboard, time::now_unix, web::context,
    };
    let access = context::require(Permission::ViewAuditLog).await?;
    let mut dashboard = dashboard::figures(&access.ctx.db, now_unix(), &access.local()).await?;
    (dashboard.members, dashboard.pending_invitations) =
        members::headcount(&access.state.control, access.ctx.tenant.id)
            .await
            .map_err(internal)?;
    let cap = |resource| access.cap(resource).quota;
    dashboard.usage = [
        (
            cap(Resource::Members),
            dashboard.members + dashboard.pending_invitations,
        ),
        (cap(Resource::Teams), dashboard.teams),
        (cap(Resource::Repositories), dashboard.repositories),
        (quota::LABELS, dashboard.labels),
        (cap(Resource::Rules), dashboard.rules),
        (cap(Resource::ApiTokens), dashboard.api_tokens),
    ]
    .into_iter()
    .map(|(quota, used)| Usage {
        noun: quota.noun.to_owned(),
        used,
        max: quota.max,
    })
    .collect();
    dashboard.plan = access.cap(Resource::Members).plan;
    dashboard.activity_chart = chart::columns(
        &format!("Changes per day, last {ACTIVITY_DAYS} days"),
        ("change", "changes"),
        &dashboard.activity,
        7,
    );
    dashboard.per_team_chart = chart::bars(
        "Repositories per team",
        ("repository", "repositories"),
        &dashboard.per_team,
    );
    Ok(dashboard)
}
