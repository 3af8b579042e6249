//! The authorization vocabulary of server functions: small helpers that fetch
//! what a server function needs from the current request, or fail with the
//! error the user should see.

use super::{
    entities::control::{memberships, users},
    error::internal,
    host::{HostKind, ParsedHost},
    tenancy::TenantCtx,
    AppState,
};
use crate::model::AppError;
use leptos::prelude::use_context;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tower_sessions::Session;

/// Session key: the signed-in user's id.
pub const SESSION_USER_ID: &str = "user_id";
/// Session key: the tenant the session was opened on. Sessions are host-only
/// cookies already; this makes a session presented on another tenant's host
/// worthless even if a cookie were ever replayed there.
pub const SESSION_TENANT_ID: &str = "tenant_id";

/// The application state, present in every render and server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("AppState is missing from the Leptos context"))
}

fn request_parts() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>()
        .ok_or_else(|| internal("request parts are missing from the Leptos context"))
}

/// The host the request came to, as classified by the host router.
pub fn parsed_host() -> Result<ParsedHost, AppError> {
    request_parts()?
        .extensions
        .get::<ParsedHost>()
        .cloned()
        .ok_or_else(|| internal("the host router did not run for this request"))
}

/// Requiring it means: this server function only exists on the apex domain.
pub fn require_apex() -> Result<ParsedHost, AppError> {
    let host = parsed_host()?;
    match host.kind {
        HostKind::Apex => Ok(host),
        _ => Err(AppError::NotFound),
    }
}

/// Requiring it means: this server function only exists on a tenant's host,
/// and works on that tenant's database alone.
pub fn tenant_ctx() -> Result<TenantCtx, AppError> {
    request_parts()?
        .extensions
        .get::<TenantCtx>()
        .cloned()
        .ok_or(AppError::NotFound)
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// A signed-in member of the current request's tenant.
#[derive(Clone, Debug)]
pub struct CurrentMember {
    pub user_id: i64,
    pub email: String,
    pub role: String,
}

/// Requiring it means: someone signed in on this tenant's host, who is a
/// member of this tenant. Anything else is `Unauthorized`.
pub async fn current_member(state: &AppState, ctx: &TenantCtx) -> Result<CurrentMember, AppError> {
    let session = session().await?;
    let user_id = session
        .get::<i64>(SESSION_USER_ID)
        .await
        .map_err(internal)?;
    let tenant_id = session
        .get::<i64>(SESSION_TENANT_ID)
        .await
        .map_err(internal)?;
    let (Some(user_id), Some(tenant_id)) = (user_id, tenant_id) else {
        return Err(AppError::Unauthorized);
    };
    if tenant_id != ctx.tenant.id {
        return Err(AppError::Unauthorized);
    }
    // One query: the membership and its user.
    let (membership, user) = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
        .find_also_related(users::Entity)
        .one(&state.control)
        .await
        .map_err(internal)?
        .ok_or(AppError::Unauthorized)?;
    let user = user.ok_or(AppError::Unauthorized)?;
    Ok(CurrentMember {
        user_id,
        email: user.email,
        role: membership.role,
    })
}
