//! `/teams`: the organization's teams, with how many repositories each has.

use super::{
    caller::Caller,
    error::ApiResult,
    extract::{Body, Id, Page, Paging, Params},
    TeamBody,
};
use crate::model::{teams::TeamRow, Permission};
use crate::server::{error::tenant_db, org::teams, AppState};
use axum::{http::StatusCode, Json};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teams, create_team))
        .routes(routes!(get_team, update_team, delete_team))
}

async fn team(caller: &Caller, id: i64) -> ApiResult<TeamRow> {
    teams::row(&caller.ctx.db, id)
        .await
        .map_err(|e| caller.fail(e))
}

/// List teams
///
/// By name. Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/teams", tag = "teams", params(Paging),
    responses((status = 200, body = Page<TeamRow>)))]
async fn list_teams(
    caller: Caller,
    Params(paging): Params<Paging>,
) -> ApiResult<Json<Page<TeamRow>>> {
    caller.require(Permission::ViewOrganization)?;
    let (items, total) = teams::page(&caller.ctx.db, paging.index(), paging.per_page())
        .await
        .map_err(|e| caller.fail(tenant_db(e)))?;
    Ok(paging.answer(items, total))
}

/// Get a team
///
/// Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/teams/{id}", tag = "teams", params(("id" = i64, Path)),
    responses((status = 200, body = TeamRow)))]
async fn get_team(caller: Caller, Id(id): Id) -> ApiResult<Json<TeamRow>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(team(&caller, id).await?))
}

/// Create a team
///
/// Needs the ManageTeams permission.
#[utoipa::path(post, path = "/teams", tag = "teams", request_body = TeamBody,
    responses((status = 201, body = TeamRow)))]
async fn create_team(
    caller: Caller,
    Body(body): Body<TeamBody>,
) -> ApiResult<(StatusCode, Json<TeamRow>)> {
    caller.require(Permission::ManageTeams)?;
    let cap = caller.cap(crate::model::plans::Resource::Teams);
    let created = teams::add(&caller.ctx.db, &caller.actor, &body.name, &cap)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok((StatusCode::CREATED, Json(team(&caller, created.id).await?)))
}

/// Rename a team
///
/// Needs the ManageTeams permission.
#[utoipa::path(patch, path = "/teams/{id}", tag = "teams", params(("id" = i64, Path)),
    request_body = TeamBody,
    responses((status = 200, body = TeamRow)))]
async fn update_team(
    caller: Caller,
    Id(id): Id,
    Body(body): Body<TeamBody>,
) -> ApiResult<Json<TeamRow>> {
    caller.require(Permission::ManageTeams)?;
    teams::rename(&caller.ctx.db, &caller.actor, id, &body.name)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(Json(team(&caller, id).await?))
}

/// Delete a team (its rules and decisions too)
///
/// Needs the ManageTeams permission.
#[utoipa::path(delete, path = "/teams/{id}", tag = "teams", params(("id" = i64, Path)),
    responses((status = 204, description = "Done; no body")))]
async fn delete_team(caller: Caller, Id(id): Id) -> ApiResult<StatusCode> {
    caller.require(Permission::ManageTeams)?;
    teams::remove(&caller.ctx.db, &caller.actor, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}
