//! `/repositories`: linked repositories with their labels and teams (and
//! why), filtered, sorted and paged in SQL.

use super::{
    caller::Caller,
    error::ApiResult,
    extract::{Body, Checked, Id, Page, Paging, Params},
    limits,
};
use crate::model::{
    mapping::check_label,
    repositories::{check_search, RepositoryQuery, RepositoryRow, Sort},
    AppError, Permission,
};
use crate::server::{error::tenant_db, org::repositories, AppState};
use axum::{http::StatusCode, Json};
use serde::Deserialize;
use utoipa::{
    openapi::{schema::SchemaType, ObjectBuilder, Type},
    IntoParams, ToSchema,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_repositories, create_repository))
        .routes(routes!(
            get_repository,
            update_repository,
            delete_repository
        ))
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
struct RepositoryFilter {
    /// Part of the name.
    #[param(schema_with = limits::search)]
    q: Option<String>,
    /// Only this team's repositories.
    team_id: Option<i64>,
    /// Only the repositories carrying this label.
    #[param(schema_with = limits::label)]
    label: Option<String>,
    /// Only the repositories without a team.
    unassigned: Option<bool>,
    /// `name` unless given.
    #[param(schema_with = sort_schema)]
    sort: Option<String>,
    /// 1-based; past the last page there are no items.
    #[param(schema_with = limits::page)]
    page: Option<u64>,
    /// 50 unless given; at most 200.
    #[param(schema_with = limits::per_page)]
    per_page: Option<u64>,
}

impl Checked for RepositoryFilter {
    fn check(&self) -> Result<(), AppError> {
        limits::check_paging(self.page, self.per_page)?;
        check_search(self.q.as_deref().unwrap_or_default())?;
        match self.label.as_deref() {
            Some(label) => limits::check_label_filter(label),
            None => Ok(()),
        }
    }
}

/// The sort orders [`Sort::parse`] takes.
fn sort_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(Sort::ALL.map(Sort::as_str)))
}

/// List repositories
///
/// Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/repositories", tag = "repositories", params(RepositoryFilter),
    responses((status = 200, body = Page<RepositoryRow>)))]
async fn list_repositories(
    caller: Caller,
    Params(filter): Params<RepositoryFilter>,
) -> ApiResult<Json<Page<RepositoryRow>>> {
    caller.require(Permission::ViewOrganization)?;
    let sort = match filter.sort.as_deref() {
        None => Sort::Name,
        Some(text) => Sort::parse(text).ok_or_else(|| {
            caller.fail(AppError::field(
                "sort",
                "Sort by name, -name, newest or oldest.",
            ))
        })?,
    };
    let paging = Paging {
        page: filter.page,
        per_page: filter.per_page,
    };
    let query = RepositoryQuery {
        q: filter.q.unwrap_or_default(),
        team_id: filter.team_id,
        label: filter.label.unwrap_or_default(),
        unassigned: filter.unassigned.unwrap_or(false),
        sort,
        page: paging.page(),
        per_page: paging.per_page(),
    };
    let page = repositories::list(&caller.ctx.db, &query)
        .await
        .map_err(|e| caller.fail(tenant_db(e)))?;
    // Past the last page: no items (the pages clamp; the API does not).
    let rows = if query.page > page.page {
        Vec::new()
    } else {
        page.rows
    };
    Ok(paging.answer(rows, page.total))
}

async fn repository(caller: &Caller, id: i64) -> ApiResult<RepositoryRow> {
    Ok(repositories::detail(&caller.ctx.db, id)
        .await
        .map_err(|e| caller.fail(e))?
        .repository)
}

/// Get a repository with its teams and why
///
/// Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/repositories/{id}", tag = "repositories",
    params(("id" = i64, Path)),
    responses((status = 200, body = RepositoryRow)))]
async fn get_repository(caller: Caller, Id(id): Id) -> ApiResult<Json<RepositoryRow>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(repository(&caller, id).await?))
}

#[derive(Deserialize, ToSchema)]
struct NewRepository {
    #[schema(schema_with = limits::repository)]
    name: String,
    #[serde(default)]
    #[schema(schema_with = limits::labels)]
    labels: Option<Vec<String>>,
}

/// Link a repository by name or address
///
/// Needs the ManageRepositories permission.
#[utoipa::path(post, path = "/repositories", tag = "repositories",
    request_body = NewRepository,
    responses((status = 201, body = RepositoryRow)))]
async fn create_repository(
    caller: Caller,
    Body(body): Body<NewRepository>,
) -> ApiResult<(StatusCode, Json<RepositoryRow>)> {
    caller.require(Permission::ManageRepositories)?;
    let labels = labels_text(&caller, body.labels.as_deref())?;
    let cap = caller.cap(crate::model::plans::Resource::Repositories);
    let row = repositories::add_one(&caller.ctx.db, &caller.actor, &body.name, &cap)
        .await
        .map_err(|e| caller.fail(e))?;
    if let Some(labels) = labels {
        repositories::set_labels(&caller.ctx.db, &caller.actor, row.id, &labels)
            .await
            .map_err(|e| caller.fail(e))?;
    }
    Ok((
        StatusCode::CREATED,
        Json(repository(&caller, row.id).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
struct RepositoryChanges {
    #[serde(default)]
    #[schema(schema_with = limits::repository)]
    name: Option<String>,
    /// Replaces every label the repository carries.
    #[serde(default)]
    #[schema(schema_with = limits::labels)]
    labels: Option<Vec<String>>,
}

/// Rename a repository or set its labels
///
/// Needs the ManageRepositories permission.
#[utoipa::path(patch, path = "/repositories/{id}", tag = "repositories",
    params(("id" = i64, Path)),
    request_body = RepositoryChanges,
    responses((status = 200, body = RepositoryRow)))]
async fn update_repository(
    caller: Caller,
    Id(id): Id,
    Body(body): Body<RepositoryChanges>,
) -> ApiResult<Json<RepositoryRow>> {
    caller.require(Permission::ManageRepositories)?;
    let db = &caller.ctx.db;
    // Exists, whatever the body says.
    repository(&caller, id).await?;
    let labels = labels_text(&caller, body.labels.as_deref())?;
    if let Some(name) = &body.name {
        repositories::rename(db, &caller.actor, id, name)
            .await
            .map_err(|e| caller.fail(e))?;
    }
    if let Some(labels) = labels {
        repositories::set_labels(db, &caller.actor, id, &labels)
            .await
            .map_err(|e| caller.fail(e))?;
    }
    Ok(Json(repository(&caller, id).await?))
}

/// Labels as the services take them (comma-separated), checked before
/// anything is written so that a bad label changes nothing.
fn labels_text(caller: &Caller, labels: Option<&[String]>) -> ApiResult<Option<String>> {
    let Some(labels) = labels else {
        return Ok(None);
    };
    // Each label on its own first: joined, a comma would split one and an
    // empty one would vanish.
    if let Some(message) = labels.iter().find_map(|l| check_label(l.trim()).err()) {
        return Err(caller.fail(AppError::field("labels", message)));
    }
    let text = labels.join(",");
    repositories::parse_labels(&text)
        .map_err(|message| caller.fail(AppError::field("labels", message)))?;
    Ok(Some(text))
}

/// Unlink a repository
///
/// Needs the ManageRepositories permission.
#[utoipa::path(delete, path = "/repositories/{id}", tag = "repositories",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Done; no body")))]
async fn delete_repository(caller: Caller, Id(id): Id) -> ApiResult<StatusCode> {
    caller.require(Permission::ManageRepositories)?;
    repositories::remove(&caller.ctx.db, &caller.actor, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}
