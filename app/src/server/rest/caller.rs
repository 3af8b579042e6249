//! Who is calling, in which organization, with which role: an API token
//! (`Authorization: Bearer tnt_…`, acting with the token's role, never more
//! than its creator's role now, and not after its creator ended every
//! credential) or the browser session (the member's role).

use super::error::{ApiError, ApiResult};
use crate::model::{AppError, Permission, Role};
use crate::server::{
    entities::tenant::api_tokens,
    error::{request_id_of, tenant_db},
    identity::accounts::token_creator_role,
    org::{api_tokens::authenticate, audit::Actor},
    rate_limit::ApiCaller,
    web::context::{self, CurrentMember},
    AppState,
};
use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};
use tenancy::context::TenantCtx;
use tower_sessions::Session;

pub struct Caller {
    pub ctx: TenantCtx,
    pub role: Role,
    pub actor: Actor,
    pub state: AppState,
    request_id: String,
}

impl Caller {
    /// The cap on `resource` of the organization's plan.
    pub fn cap(&self, resource: crate::model::plans::Resource) -> crate::model::plans::Cap {
        let plan = self.ctx.tenant.plan.as_deref();
        self.state.settings.plans.cap(plan, resource)
    }

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
            // they have now, and not at all once they have left or ended
            // every credential they had (a reset, "log out everywhere").
            let creator = token_creator_role(
                &state.control,
                token.created_by,
                ctx.tenant.id,
                token.created_at,
            )
            .await
            .map_err(fail)?
            .ok_or_else(|| fail(AppError::Unauthorized))?;
            let role = token.role;
            state
                .limits
                .take_api(ctx.tenant.id, ApiCaller::Token(token.id))
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
                ApiCaller::Member(access.member.user_id),
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
