//! `/rules`: mapping rules, each giving its team the repositories whose
//! name matches a pattern or that carry a label.

use super::{
    caller::Caller,
    error::ApiResult,
    extract::{Body, Id, Page, Paging, Params},
    limits,
};
use crate::model::{mapping::MappingRule, AppError, Permission};
use crate::server::{
    error::tenant_db,
    org::rules::{self, RuleInput},
    AppState,
};
use axum::{http::StatusCode, Json};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(get_rule, update_rule, delete_rule))
}

/// A rule as sent: a team and exactly one of `pattern` and `label`.
#[derive(Deserialize, ToSchema)]
struct RuleBody {
    /// The team the rule gives repositories to. Required: optional in the
    /// code only so that a rule without one is refused with a message on
    /// `team_id`, next to the rule's other errors.
    #[schema(value_type = i64, required = true)]
    team_id: Option<i64>,
    /// A regular expression found anywhere in the repository's name.
    #[serde(default)]
    #[schema(schema_with = limits::pattern)]
    pattern: Option<String>,
    /// A label's name; the label is created when there is none.
    #[serde(default)]
    #[schema(schema_with = limits::label)]
    label: Option<String>,
}

impl RuleBody {
    fn input(self, caller: &Caller) -> ApiResult<(Option<i64>, RuleInput)> {
        let input = RuleInput::from_parts(self.pattern, self.label)
            .ok_or_else(|| caller.fail(AppError::field("body", RuleInput::NEITHER_OR_BOTH)))?;
        Ok((self.team_id, input))
    }
}

async fn rule(caller: &Caller, id: i64) -> ApiResult<MappingRule> {
    rules::get(&caller.ctx.db, id)
        .await
        .map_err(|e| caller.fail(e))
}

/// List mapping rules
///
/// By team, then by creation. Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/rules", tag = "rules", params(Paging),
    responses((status = 200, body = Page<MappingRule>)))]
async fn list_rules(
    caller: Caller,
    Params(paging): Params<Paging>,
) -> ApiResult<Json<Page<MappingRule>>> {
    caller.require(Permission::ViewOrganization)?;
    let (items, total) = rules::page(&caller.ctx.db, paging.index(), paging.per_page())
        .await
        .map_err(|e| caller.fail(tenant_db(e)))?;
    Ok(paging.answer(items, total))
}

/// Get a mapping rule
///
/// Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/rules/{id}", tag = "rules", params(("id" = i64, Path)),
    responses((status = 200, body = MappingRule)))]
async fn get_rule(caller: Caller, Id(id): Id) -> ApiResult<Json<MappingRule>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(rule(&caller, id).await?))
}

/// Create a mapping rule
///
/// Needs the ManageRepositories permission.
#[utoipa::path(post, path = "/rules", tag = "rules", request_body = RuleBody,
    responses((status = 201, body = MappingRule)))]
async fn create_rule(
    caller: Caller,
    Body(body): Body<RuleBody>,
) -> ApiResult<(StatusCode, Json<MappingRule>)> {
    caller.require(Permission::ManageRepositories)?;
    let (team_id, input) = body.input(&caller)?;
    let cap = caller.cap(crate::model::plans::Resource::Rules);
    let id = rules::add(&caller.ctx.db, &caller.actor, team_id, input, &cap)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok((StatusCode::CREATED, Json(rule(&caller, id).await?)))
}

/// Change a mapping rule
///
/// Needs the ManageRepositories permission.
#[utoipa::path(patch, path = "/rules/{id}", tag = "rules", params(("id" = i64, Path)),
    request_body = RuleBody,
    responses((status = 200, body = MappingRule)))]
async fn update_rule(
    caller: Caller,
    Id(id): Id,
    Body(body): Body<RuleBody>,
) -> ApiResult<Json<MappingRule>> {
    caller.require(Permission::ManageRepositories)?;
    let (team_id, input) = body.input(&caller)?;
    rules::update(&caller.ctx.db, &caller.actor, id, team_id, input)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(Json(rule(&caller, id).await?))
}

/// Delete a mapping rule
///
/// Needs the ManageRepositories permission.
#[utoipa::path(delete, path = "/rules/{id}", tag = "rules", params(("id" = i64, Path)),
    responses((status = 204, description = "Done; no body")))]
async fn delete_rule(caller: Caller, Id(id): Id) -> ApiResult<StatusCode> {
    caller.require(Permission::ManageRepositories)?;
    rules::remove(&caller.ctx.db, &caller.actor, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}
