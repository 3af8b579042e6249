//! `/labels`: the labels repositories carry, with how many carry each.

use super::{
    caller::Caller,
    error::ApiResult,
    extract::{Body, Id, Page, Paging, Params},
    LabelBody,
};
use crate::model::{mapping::Label, Permission};
use crate::server::{error::tenant_db, org::labels, AppState};
use axum::{http::StatusCode, Json};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_labels, create_label))
        .routes(routes!(get_label, update_label, delete_label))
}

async fn label(caller: &Caller, id: i64) -> ApiResult<Label> {
    labels::get(&caller.ctx.db, id)
        .await
        .map_err(|e| caller.fail(e))
}

/// List labels
///
/// By name. Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/labels", tag = "labels", params(Paging),
    responses((status = 200, body = Page<Label>)))]
async fn list_labels(
    caller: Caller,
    Params(paging): Params<Paging>,
) -> ApiResult<Json<Page<Label>>> {
    caller.require(Permission::ViewOrganization)?;
    let (items, total) = labels::page(&caller.ctx.db, paging.index(), paging.per_page())
        .await
        .map_err(|e| caller.fail(tenant_db(e)))?;
    Ok(paging.answer(items, total))
}

/// Get a label
///
/// Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/labels/{id}", tag = "labels", params(("id" = i64, Path)),
    responses((status = 200, body = Label)))]
async fn get_label(caller: Caller, Id(id): Id) -> ApiResult<Json<Label>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(label(&caller, id).await?))
}

/// Create a label
///
/// Needs the ManageRepositories permission.
#[utoipa::path(post, path = "/labels", tag = "labels", request_body = LabelBody,
    responses((status = 201, body = Label)))]
async fn create_label(
    caller: Caller,
    Body(body): Body<LabelBody>,
) -> ApiResult<(StatusCode, Json<Label>)> {
    caller.require(Permission::ManageRepositories)?;
    let created = labels::add(&caller.ctx.db, &caller.actor, &body.name)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Rename a label
///
/// Needs the ManageRepositories permission.
#[utoipa::path(patch, path = "/labels/{id}", tag = "labels", params(("id" = i64, Path)),
    request_body = LabelBody,
    responses((status = 200, body = Label)))]
async fn update_label(
    caller: Caller,
    Id(id): Id,
    Body(body): Body<LabelBody>,
) -> ApiResult<Json<Label>> {
    caller.require(Permission::ManageRepositories)?;
    labels::rename(&caller.ctx.db, &caller.actor, id, &body.name)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(Json(label(&caller, id).await?))
}

/// Delete a label (and its rules)
///
/// Needs the ManageRepositories permission.
#[utoipa::path(delete, path = "/labels/{id}", tag = "labels", params(("id" = i64, Path)),
    responses((status = 204, description = "Done; no body")))]
async fn delete_label(caller: Caller, Id(id): Id) -> ApiResult<StatusCode> {
    caller.require(Permission::ManageRepositories)?;
    labels::remove(&caller.ctx.db, &caller.actor, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}
