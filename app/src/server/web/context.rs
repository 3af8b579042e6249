//! The authorization vocabulary of server functions: small helpers that fetch
//! what a server function needs from the current request, or fail with the
//! error the user should see.

use crate::model::{AppError, Permission};
use crate::server::{
    entities::control::{memberships, users},
    error::internal,
    identity::{
        invitations::Inviter,
        sign_in::{self, SignedIn},
    },
    org::audit::Actor,
    web::host::{HostKind, ParsedHost},
    AppState,
};
use axum::extract::ConnectInfo;
use leptos::prelude::{use_context, with_context};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tenancy::context::TenantCtx;
use tokio::sync::OnceCell;
use tower_sessions::Session;

pub use crate::server::identity::authority::CurrentMember;

/// The application state, present in every render and server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("AppState is missing from the Leptos context"))
}

/// `read` of this request's parts, borrowed from the Leptos context (a
/// copy would clone every header and extension).
fn with_request_parts<R>(read: impl FnOnce(&http::request::Parts) -> R) -> Result<R, AppError> {
    with_context::<http::request::Parts, _>(read)
        .ok_or_else(|| internal("request parts are missing from the Leptos context"))
}

/// The request is a form posted without JavaScript: the browser asked for
/// a page back (`Accept: text/html`), not a server function's answer.
/// Leptos sends such a post back to its page; a server function whose
/// answer the page shows in place can send it to one that says it instead.
pub fn plain_form_post() -> bool {
    with_request_parts(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
    .unwrap_or(false)
}

/// The host the request came to, as classified by the host router.
pub fn parsed_host() -> Result<ParsedHost, AppError> {
    with_request_parts(|parts| parts.extensions.get::<ParsedHost>().cloned())?
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
    with_request_parts(|parts| parts.extensions.get::<TenantCtx>().cloned())?
        .ok_or(AppError::NotFound)
}

/// The slug of the tenant whose host this is, without copying its context;
/// `None` off a tenant's host (or outside a request).
pub fn tenant_slug() -> Option<String> {
    with_tenant(|ctx| ctx.tenant.slug.clone())
}

/// The primary colour of the tenant whose host this is, if it set one.
pub fn brand_color() -> Option<String> {
    with_tenant(|ctx| ctx.tenant.preferences.brand_color.clone()).flatten()
}

fn with_tenant<T>(read: impl FnOnce(&TenantCtx) -> T) -> Option<T> {
    with_context::<http::request::Parts, _>(|parts| parts.extensions.get::<TenantCtx>().map(read))
        .flatten()
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The address the request came from, for rate limits and the audit log.
pub fn client_ip() -> Result<IpAddr, AppError> {
    let behind_proxy = app_state()?.settings.behind_proxy;
    with_request_parts(|parts| client_ip_of(parts, behind_proxy))
}

/// The address `parts` came from: the TCP peer, or behind the operator's
/// proxy the address that proxy appended to `X-Forwarded-For` (earlier
/// entries are the client's to forge).
pub fn client_ip_of(parts: &http::request::Parts, behind_proxy: bool) -> IpAddr {
    client_ip_from(&parts.headers, &parts.extensions, behind_proxy)
}

/// [`client_ip_of`] a request's headers and extensions (for middleware,
/// which holds the request whole).
pub fn client_ip_from(
    headers: &http::HeaderMap,
    extensions: &http::Extensions,
    behind_proxy: bool,
) -> IpAddr {
    if behind_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|entry| entry.trim().parse::<IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}

/// Whoever is signed in on this host, or `Unauthorized`.
pub async fn signed_in() -> Result<SignedIn, AppError> {
    let here = tenant_ctx().ok().map(|ctx| ctx.tenant.id);
    signed_in_on(&session().await?, here).await
}

/// Whoever `session` signs in on the host of tenant `here` (`None`: the
/// apex), or `Unauthorized`. A session counts only on the host it was
/// opened on: a tenant's session on that tenant's host, an apex session on
/// the apex.
pub async fn signed_in_on(session: &Session, here: Option<i64>) -> Result<SignedIn, AppError> {
    let signed_in = sign_in::current(session)
        .await
        .map_err(internal)?
        .ok_or(AppError::Unauthorized)?;
    if signed_in.tenant_id != here {
        return Err(AppError::Unauthorized);
    }
    Ok(signed_in)
}

/// Requiring it means: someone signed in on this tenant's host, who is a
/// member of this tenant. Anything else is `Unauthorized`.
pub async fn current_member(state: &AppState, ctx: &TenantCtx) -> Result<CurrentMember, AppError> {
    member_of(state, ctx, &session().await?).await
}

/// The member a tenant request's session signs in, read from the control
/// database once per request however many server functions and resources
/// of the page ask for it (the host router gives every tenant request an
/// empty one), for the user and tenant it was read for. It lives as long
/// as the request: a role change or removal committed meanwhile counts from
/// the next request on, as when each part of the page read it at its start.
#[derive(Clone, Default)]
pub struct MemberMemo(Arc<OnceCell<((i64, i64), CurrentMember)>>);

/// The member of `ctx`'s tenant whom `session` signs in, or `Unauthorized`.
async fn member_of(
    state: &AppState,
    ctx: &TenantCtx,
    session: &Session,
) -> Result<CurrentMember, AppError> {
    let signed_in = signed_in_on(session, Some(ctx.tenant.id)).await?;
    let user_id = signed_in.user_id;
    let whom = (user_id, ctx.tenant.id);
    // Plain handlers have no Leptos context (and read once anyway); not
    // through `with_request_parts`, whose error for that case is logged.
    let memo = with_context::<http::request::Parts, _>(|parts| {
        parts.extensions.get::<MemberMemo>().cloned()
    })
    .flatten();
    let Some(MemberMemo(memo)) = memo else {
        return read_member(state, ctx, user_id).await;
    };
    let (remembered, member) = memo
        .get_or_try_init(|| async { read_member(state, ctx, user_id).await.map(|m| (whom, m)) })
        .await?;
    if *remembered == whom {
        Ok(member.clone())
    } else {
        // The session changed hands within the request (a log-in), or
        // another tenant's member is asked for: not what was remembered.
        read_member(state, ctx, user_id).await
    }
}

/// The member `user_id` of `ctx`'s tenant, from the authority cache or in
/// one query (the membership and its user), or `Unauthorized`.
async fn read_member(
    state: &AppState,
    ctx: &TenantCtx,
    user_id: i64,
) -> Result<CurrentMember, AppError> {
    let tenant_id = ctx.tenant.id;
    state
        .authority
        .member(user_id, tenant_id, query_member(state, tenant_id, user_id))
        .await
}

async fn query_member(
    state: &AppState,
    tenant_id: i64,
    user_id: i64,
) -> Result<CurrentMember, AppError> {
    let (membership, user) = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::TenantId.eq(tenant_id))
        .find_also_related(users::Entity)
        .one(&state.control)
        .await
        .map_err(internal)?
        .ok_or(AppError::Unauthorized)?;
    let user = user.ok_or(AppError::Unauthorized)?;
    let role = membership.role;
    Ok(CurrentMember {
        user_id,
        email_verified: user.email_verified_at.is_some(),
        email: user.email,
        role,
    })
}

/// What a server function that passed [`require`] works with.
#[derive(Clone)]
pub struct Access {
    pub state: AppState,
    pub ctx: TenantCtx,
    pub member: CurrentMember,
    /// Where the request came from.
    pub ip: IpAddr,
}

impl Access {
    /// The cap on `resource` of the organization's plan.
    pub fn cap(&self, resource: crate::model::plans::Resource) -> crate::model::plans::Cap {
        let plan = self.ctx.tenant.plan.as_deref();
        self.state.settings.plans.cap(plan, resource)
    }

    /// How the organization's pages write dates and times.
    pub fn local(&self) -> crate::server::time::Local {
        crate::server::time::Local::of(&self.ctx.tenant)
    }

    /// The member, as the audit log names them.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.member.user_id,
            email: self.member.email.clone(),
            ip: self.ip.to_string(),
        }
    }

    /// The member as the invitation service needs them: who invites, and
    /// where the link points (`http://SLUG.BASE:PORT`).
    pub fn inviter(&self) -> Result<Inviter, AppError> {
        let host = parsed_host()?;
        Ok(Inviter {
            actor: self.actor(),
            role: self.member.role,
            email_verified: self.member.email_verified,
            tenant_url: host.tenant_url(&self.state, &self.ctx.tenant.slug, ""),
            seats: self.cap(crate::model::plans::Resource::Members),
        })
    }
}

/// The one permission check. Requiring it means: this server function only
/// exists on a tenant's host (`NotFound` elsewhere), for a signed-in member
/// of that tenant (`Unauthorized`) whose role grants `permission`
/// (`Forbidden`).
pub async fn require(permission: Permission) -> Result<Access, AppError> {
    let ctx = tenant_ctx()?;
    let state = app_state()?;
    let session = session().await?;
    authorize(state, ctx, &session, client_ip()?, permission).await
}

/// [`require`] for plain axum handlers, which have no Leptos context: the
/// same check on what the handler extracted.
pub async fn authorize(
    state: AppState,
    ctx: TenantCtx,
    session: &Session,
    ip: IpAddr,
    permission: Permission,
) -> Result<Access, AppError> {
    let member = member_of(&state, &ctx, session).await?;
    if !member.role.grants(permission) {
        return Err(AppError::Forbidden);
    }
    Ok(Access {
        state,
        ctx,
        member,
        ip,
    })
}
