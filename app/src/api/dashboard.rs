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
        quota, Permission,
    };
    use crate::server::{
        chart,
        error::internal,
        identity::members,
        org::dashboard,
        time::{now_unix, Local},
        web::context,
    };
    let access = context::require(Permission::ViewAuditLog).await?;
    let local = Local::of(&access.ctx.tenant);
    let figures = dashboard::figures(&access.ctx.db, now_unix(), &local).await?;
    let (members, pending_invitations) =
        members::headcount(&access.state.control, access.ctx.tenant.id)
            .await
            .map_err(internal)?;
    let usage = [
        (quota::TEAMS, figures.teams),
        (quota::REPOSITORIES, figures.repositories),
        (quota::LABELS, figures.labels),
        (quota::RULES, figures.rules),
        (quota::API_TOKENS, figures.api_tokens),
    ]
    .into_iter()
    .map(|(quota, used)| Usage {
        noun: quota.noun.to_owned(),
        used,
        max: quota.max,
    })
    .collect();
    Ok(Dashboard {
        members,
        pending_invitations,
        teams: figures.teams,
        repositories: figures.repositories,
        unassigned: figures.unassigned,
        rules: figures.rules,
        labels: figures.labels,
        api_tokens: figures.api_tokens,
        activity_chart: chart::columns(
            &format!("Changes per day, last {ACTIVITY_DAYS} days"),
            ("change", "changes"),
            &figures.activity,
            7,
        ),
        per_team_chart: chart::bars(
            "Repositories per team",
            ("repository", "repositories"),
            &figures.per_team,
        ),
        activity: figures.activity,
        per_team: figures.per_team,
        other_teams: figures.other_teams,
        recent: figures.recent,
        usage,
    })
}
