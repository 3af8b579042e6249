//! The REST API on a tenant's host, under `/api/v1`: the organization, its
//! teams, repositories, labels and mapping rules.
//!
//! A caller is an API token (`Authorization: Bearer tnt_…`, acting with the
//! token's role) or the browser session (acting with the member's role).
//! Every handler checks its permission through [`Caller::require`], which
//! reads the one grant table (`Role::grants`), and reaches data only through
//! the request's tenant context: an id of another organization names
//! nothing here, so it is 404, never 403. Errors have one shape:
//! `{"error": {"status", "code", "message", "fields"?, "request_id"?}}`.

pub mod openapi;

use crate::model::{
    repositories::{RepositoryQuery, RepositoryRow, Sort},
    teams::TeamRow,
    AppError, Permission, Role,
};
use crate::server::{
    entities::{control::memberships, tenant::api_tokens},
    error::{internal, request_id_of, tenant_db},
    org::{
        api_tokens::authenticate,
        audit::Actor,
        labels, organization, repositories,
        rules::{self, RuleInput},
        teams,
    },
    web::{
        context::{self, CurrentMember},
        status::status_of,
    },
    AppState,
};
use axum::{
    extract::{FromRequestParts, Path, Query},
    http::{header, request::Parts, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tenancy::context::TenantCtx;
use tower_sessions::Session;

/// Most items one page of a list may hold.
pub const MAX_PER_PAGE: u64 = 200;
/// Items per page when the caller does not say.
pub const DEFAULT_PER_PAGE: u64 = 50;

/// The routes, mounted at `/api/v1` on tenant hosts.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route(
            "/organization",
            get(get_organization).patch(update_organization),
        )
        .route("/teams", get(list_teams).post(create_team))
        .route(
            "/teams/{id}",
            get(get_team).patch(update_team).delete(delete_team),
        )
        .route(
            "/repositories",
            get(list_repositories).post(create_repository),
        )
        .route(
            "/repositories/{id}",
            get(get_repository)
                .patch(update_repository)
                .delete(delete_repository),
        )
        .route("/labels", get(list_labels).post(create_label))
        .route(
            "/labels/{id}",
            get(get_label).patch(update_label).delete(delete_label),
        )
        .route("/rules", get(list_rules).post(create_rule))
        .route(
            "/rules/{id}",
            get(get_rule).patch(update_rule).delete(delete_rule),
        )
        .fallback(|| async { ApiError::plain(AppError::NotFound) })
}

/// An error as the API answers it.
pub struct ApiError {
    error: AppError,
    request_id: Option<String>,
}

impl ApiError {
    fn plain(error: AppError) -> ApiError {
        ApiError {
            error,
            request_id: None,
        }
    }

    /// The stable `code` of each kind of error.
    pub fn code(error: &AppError) -> &'static str {
        match error {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Validation(_) => "validation_failed",
            AppError::Internal { .. } => "internal",
            AppError::Unavailable { .. } => "unavailable",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Transport(_) => "bad_request",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.error);
        let mut body = json!({
            "status": status.as_u16(),
            "code": Self::code(&self.error),
            "message": match &self.error {
                // The request id is a field of its own here.
                AppError::Internal { .. } => "Something went wrong on our side.".to_owned(),
                AppError::Unavailable { .. } => {
                    "This organization's data cannot be reached right now.".to_owned()
                }
                other => other.to_string(),
            },
        });
        if let AppError::Validation(fields) = &self.error {
            body["fields"] = json!(fields.errors);
        }
        if matches!(
            self.error,
            AppError::Internal { .. } | AppError::Unavailable { .. }
        ) {
            body["request_id"] = json!(self.request_id.unwrap_or_else(|| "unknown".to_owned()));
        }
        let mut response = (status, Json(json!({ "error": body }))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        if let AppError::RateLimited { retry_after_secs } = self.error {
            if let Ok(value) = retry_after_secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Who is calling, in which organization, with which role.
pub struct Caller {
    pub ctx: TenantCtx,
    pub role: Role,
    pub actor: Actor,
    pub state: AppState,
    request_id: String,
}

impl Caller {
    /// The one permission check: `Forbidden` when the role lacks it.
    pub fn require(&self, permission: Permission) -> ApiResult<()> {
        if self.role.grants(permission) {
            Ok(())
        } else {
            Err(self.fail(AppError::Forbidden))
        }
    }

    /// `error`, with this request's id.
    pub fn fail(&self, error: AppError) -> ApiError {
        ApiError {
            error,
            request_id: Some(self.request_id.clone()),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Caller> {
        let request_id = request_id_of(&parts.headers);
        let fail = |error| ApiError {
            error,
            request_id: Some(request_id.clone()),
        };
        // Only tenant hosts have an API.
        let ctx = parts
            .extensions
            .get::<TenantCtx>()
            .cloned()
            .ok_or_else(|| fail(AppError::NotFound))?;
        let ip = context::client_ip_of(parts, state.settings.behind_proxy);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.strip_prefix("Bearer ").unwrap_or("").trim().to_owned());
        if let Some(secret) = bearer {
            let token: api_tokens::Model = authenticate(&ctx.db, &secret)
                .await
                .map_err(|e| fail(tenant_db(e)))?
                .ok_or_else(|| fail(AppError::Unauthorized))?;
            // A token acts for its creator: never with more than the role
            // they have now, and not at all once they have left.
            let creator = memberships::Entity::find()
                .filter(memberships::Column::UserId.eq(token.created_by))
                .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
                .one(&state.control)
                .await
                .map_err(|e| fail(internal(e)))?
                .and_then(|m| Role::parse(&m.role))
                .ok_or_else(|| fail(AppError::Unauthorized))?;
            let role = Role::parse(&token.role).unwrap_or(Role::Viewer);
            state
                .limits
                .take_api(ctx.tenant.id, &format!("token/{}", token.id))
                .map_err(fail)?;
            return Ok(Caller {
                role: role.lower(creator),
                actor: Actor {
                    user_id: token.created_by,
                    email: format!("{} (API token \"{}\")", token.created_by_email, token.name),
                    ip: ip.to_string(),
                },
                ctx,
                state: state.clone(),
                request_id,
            });
        }
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| fail(AppError::Unauthorized))?;
        let access = context::authorize(
            state.clone(),
            ctx,
            &session,
            ip,
            Permission::ViewOrganization,
        )
        .await
        .map_err(fail)?;
        state
            .limits
            .take_api(
                access.ctx.tenant.id,
                &format!("user/{}", access.member.user_id),
            )
            .map_err(fail)?;
        let CurrentMember { role, .. } = access.member;
        Ok(Caller {
            actor: access.actor(),
            role,
            ctx: access.ctx,
            state: access.state,
            request_id,
        })
    }
}

/// `?page=&per_page=`
#[derive(Deserialize, Default)]
pub struct Paging {
    page: Option<u64>,
    per_page: Option<u64>,
}

impl Paging {
    fn per_page(&self) -> u64 {
        self.per_page
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE)
    }

    fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }

    /// One page of `items`, listed in full in memory.
    fn of<T: Serialize>(&self, items: Vec<T>) -> Json<Value> {
        let per_page = self.per_page();
        let page = self.page();
        let total = items.len() as u64;
        let items: Vec<T> = items
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .collect();
        page_json(items, page, per_page, total)
    }
}

fn page_json<T: Serialize>(items: Vec<T>, page: u64, per_page: u64, total: u64) -> Json<Value> {
    Json(json!({ "items": items, "page": page, "per_page": per_page, "total": total }))
}

/// A JSON body: malformed JSON or missing fields are a 422 on `body`.
pub struct Body<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> ApiResult<Body<T>> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(ApiError::plain(AppError::field(
                "body",
                format!("Send a JSON object: {}", rejection.body_text()),
            ))),
        }
    }
}

/// Query parameters: ones that do not parse are a 422 on `query`.
pub struct Params<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Params<T>> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(ApiError::plain(AppError::field(
                "query",
                format!("Check the query parameters: {}", rejection.body_text()),
            ))),
        }
    }
}

/// An item's id in the path: one that is not a number names nothing (404).
pub struct Id(i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Id> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(_) => Err(ApiError::plain(AppError::NotFound)),
        }
    }
}

// --- organization -------------------------------------------------------

async fn get_organization(caller: Caller) -> ApiResult<Json<Value>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(json!({
        "slug": caller.ctx.tenant.slug,
        "name": caller.ctx.tenant.name,
    })))
}

#[derive(Deserialize)]
struct NameBody {
    name: String,
}

async fn update_organization(caller: Caller, Body(body): Body<NameBody>) -> ApiResult<Json<Value>> {
    caller.require(Permission::ManageSettings)?;
    let name = organization::rename(
        &caller.state.control,
        &caller.state.directory,
        &caller.ctx,
        &caller.actor,
        &body.name,
    )
    .await
    .map_err(|e| caller.fail(e))?;
    Ok(Json(
        json!({ "slug": caller.ctx.tenant.slug, "name": name }),
    ))
}

// --- teams ----------------------------------------------------------------

async fn team_row(caller: &Caller, id: i64) -> ApiResult<TeamRow> {
    teams::rows(&caller.ctx.db)
        .await
        .map_err(|e| caller.fail(tenant_db(e)))?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| caller.fail(AppError::NotFound))
}

async fn list_teams(caller: Caller, Params(paging): Params<Paging>) -> ApiResult<Json<Value>> {
    caller.require(Permission::ViewOrganization)?;
    let items = teams::rows(&caller.ctx.db)
        .await
        .map_err(|e| caller.fail(tenant_db(e)))?;
    Ok(paging.of(items))
}

async fn get_team(caller: Caller, Id(id): Id) -> ApiResult<Json<TeamRow>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(team_row(&caller, id).await?))
}

async fn create_team(
    caller: Caller,
    Body(body): Body<NameBody>,
) -> ApiResult<(StatusCode, Json<TeamRow>)> {
    caller.require(Permission::ManageTeams)?;
    let team = teams::add(&caller.ctx.db, &caller.actor, &body.name)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok((StatusCode::CREATED, Json(team_row(&caller, team.id).await?)))
}

async fn update_team(
    caller: Caller,
    Id(id): Id,
    Body(body): Body<NameBody>,
) -> ApiResult<Json<TeamRow>> {
    caller.require(Permission::ManageTeams)?;
    teams::rename(&caller.ctx.db, &caller.actor, id, &body.name)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(Json(team_row(&caller, id).await?))
}

async fn delete_team(caller: Caller, Id(id): Id) -> ApiResult<StatusCode> {
    caller.require(Permission::ManageTeams)?;
    teams::remove(&caller.ctx.db, &caller.actor, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}

// --- repositories ---------------------------------------------------------

#[derive(Deserialize, Default)]
struct RepositoryFilter {
    q: Option<String>,
    team_id: Option<i64>,
    label: Option<String>,
    unassigned: Option<bool>,
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn list_repositories(
    caller: Caller,
    Params(filter): Params<RepositoryFilter>,
) -> ApiResult<Json<Value>> {
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
    Ok(page_json(rows, query.page, query.per_page, page.total))
}

async fn repository(caller: &Caller, id: i64) -> ApiResult<RepositoryRow> {
    Ok(repositories::detail(&caller.ctx.db, id)
        .await
        .map_err(|e| caller.fail(e))?
        .repository)
}

async fn get_repository(caller: Caller, Id(id): Id) -> ApiResult<Json<RepositoryRow>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(repository(&caller, id).await?))
}

#[derive(Deserialize)]
struct NewRepository {
    /// `owner/name` or an address.
    name: String,
    #[serde(default)]
    labels: Option<Vec<String>>,
}

async fn create_repository(
    caller: Caller,
    Body(body): Body<NewRepository>,
) -> ApiResult<(StatusCode, Json<RepositoryRow>)> {
    caller.require(Permission::ManageRepositories)?;
    let labels = labels_text(&caller, body.labels.as_deref())?;
    let row = repositories::add_one(&caller.ctx.db, &caller.actor, &body.name)
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

#[derive(Deserialize)]
struct RepositoryChanges {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    labels: Option<Vec<String>>,
}

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
    if labels.iter().any(|l| l.contains(',')) {
        return Err(caller.fail(AppError::field("labels", "A label cannot contain a comma.")));
    }
    let text = labels.join(",");
    repositories::parse_labels(&text)
        .map_err(|message| caller.fail(AppError::field("labels", message)))?;
    Ok(Some(text))
}

async fn delete_repository(caller: Caller, Id(id): Id) -> ApiResult<StatusCode> {
    caller.require(Permission::ManageRepositories)?;
    repositories::remove(&caller.ctx.db, &caller.actor, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}

// --- labels ---------------------------------------------------------------

async fn label_json(caller: &Caller, id: i64) -> ApiResult<crate::model::mapping::Label> {
    labels::get(&caller.ctx.db, id)
        .await
        .map_err(|e| caller.fail(e))
}

async fn list_labels(caller: Caller, Params(paging): Params<Paging>) -> ApiResult<Json<Value>> {
    caller.require(Permission::ViewOrganization)?;
    let items = labels::list(&caller.ctx.db)
        .await
        .map_err(|e| caller.fail(tenant_db(e)))?;
    Ok(paging.of(items))
}

async fn get_label(caller: Caller, Id(id): Id) -> ApiResult<Json<crate::model::mapping::Label>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(label_json(&caller, id).await?))
}

async fn create_label(
    caller: Caller,
    Body(body): Body<NameBody>,
) -> ApiResult<(StatusCode, Json<crate::model::mapping::Label>)> {
    caller.require(Permission::ManageRepositories)?;
    let label = labels::add(&caller.ctx.db, &caller.actor, &body.name)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok((StatusCode::CREATED, Json(label)))
}

async fn update_label(
    caller: Caller,
    Id(id): Id,
    Body(body): Body<NameBody>,
) -> ApiResult<Json<crate::model::mapping::Label>> {
    caller.require(Permission::ManageRepositories)?;
    labels::rename(&caller.ctx.db, &caller.actor, id, &body.name)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(Json(label_json(&caller, id).await?))
}

async fn delete_label(caller: Caller, Id(id): Id) -> ApiResult<StatusCode> {
    caller.require(Permission::ManageRepositories)?;
    labels::remove(&caller.ctx.db, &caller.actor, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}

// --- rules ----------------------------------------------------------------

#[derive(Deserialize)]
struct RuleBody {
    team_id: Option<i64>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    label: Option<String>,
}

impl RuleBody {
    fn input(self, caller: &Caller) -> ApiResult<(Option<i64>, RuleInput)> {
        match (self.pattern, self.label) {
            (Some(pattern), None) => Ok((self.team_id, RuleInput::Pattern(pattern))),
            (None, Some(label)) => Ok((self.team_id, RuleInput::Label(label))),
            _ => Err(caller.fail(AppError::field("body", "Give either a pattern or a label."))),
        }
    }
}

async fn list_rules(caller: Caller, Params(paging): Params<Paging>) -> ApiResult<Json<Value>> {
    caller.require(Permission::ViewOrganization)?;
    let items = rules::list(&caller.ctx.db)
        .await
        .map_err(|e| caller.fail(tenant_db(e)))?;
    Ok(paging.of(items))
}

async fn get_rule(
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<crate::model::mapping::MappingRule>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(
        rules::get(&caller.ctx.db, id)
            .await
            .map_err(|e| caller.fail(e))?,
    ))
}

async fn create_rule(
    caller: Caller,
    Body(body): Body<RuleBody>,
) -> ApiResult<(StatusCode, Json<crate::model::mapping::MappingRule>)> {
    caller.require(Permission::ManageRepositories)?;
    let (team_id, input) = body.input(&caller)?;
    let id = rules::add(&caller.ctx.db, &caller.actor, team_id, input)
        .await
        .map_err(|e| caller.fail(e))?;
    let rule = rules::get(&caller.ctx.db, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok((StatusCode::CREATED, Json(rule)))
}

async fn update_rule(
    caller: Caller,
    Id(id): Id,
    Body(body): Body<RuleBody>,
) -> ApiResult<Json<crate::model::mapping::MappingRule>> {
    caller.require(Permission::ManageRepositories)?;
    let (team_id, input) = body.input(&caller)?;
    rules::update(&caller.ctx.db, &caller.actor, id, team_id, input)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(Json(
        rules::get(&caller.ctx.db, id)
            .await
            .map_err(|e| caller.fail(e))?,
    ))
}

async fn delete_rule(caller: Caller, Id(id): Id) -> ApiResult<StatusCode> {
    caller.require(Permission::ManageRepositories)?;
    rules::remove(&caller.ctx.db, &caller.actor, id)
        .await
        .map_err(|e| caller.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}
