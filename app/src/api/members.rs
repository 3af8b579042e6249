//! The organization's members: the list, role changes, removal, leaving.

use crate::model::{members::MemberList, AppError};
use leptos::prelude::*;

/// One page (`page`, from 1) of the members whose email contains `search`,
/// with role `role` (empty: any), in the order `sort` names (empty: by
/// role).
#[server(endpoint = "members")]
pub async fn get_members(
    search: String,
    role: String,
    #[server(default)] sort: String,
    #[server(default)] page: String,
) -> Result<MemberList, AppError> {
    use crate::model::{members::MemberSort, Permission, Role};
    use crate::server::{
        error::internal,
        identity::members::{self, ListQuery},
        web::context,
    };
    let access = context::require(Permission::ViewOrganization).await?;
    if let Some(problem) = crate::model::search_problem(&search) {
        return Err(AppError::field_echo("search", &search, problem));
    }
    let control = &access.state.control;
    let tenant_id = access.ctx.tenant.id;
    let query = ListQuery {
        search: &search,
        role: Role::parse(role.trim()),
        sort: MemberSort::parse(&sort),
        // Clamped to the pages there are: anything else is page 1.
        page: page.trim().parse().unwrap_or(1),
    };
    let viewer = access.member.user_id;
    let found = members::list(control, tenant_id, viewer, &query, &access.local())
        .await
        .map_err(internal)?;
    // Without a filter, every member matches: no second count.
    let total = if query.search.trim().is_empty() && query.role.is_none() {
        found.total
    } else {
        members::count(control, tenant_id).await.map_err(internal)?
    };
    Ok(MemberList {
        members: found.items,
        total,
        matching: found.total,
        page: found.page,
        pages: found.pages,
        your_role: access.member.role,
    })
}

/// Gives the members `user_ids` (comma-separated) the role `role`.
#[server(endpoint = "change_member_roles")]
pub async fn change_member_roles(user_ids: String, role: String) -> Result<usize, AppError> {
    use crate::model::{members::parse_ids, Permission, Role};
    use crate::server::{identity::members, web::context};
    let access = context::require(Permission::ManageMembers).await?;
    let ids = parse_ids(&user_ids)
        .ok_or_else(|| AppError::field("form", "Select members from the list."))?;
    let role = Role::parse(role.trim()).ok_or_else(|| AppError::field("role", "Choose a role."))?;
    let actor = access.actor();
    let changed = members::change_roles(
        &access.state.control,
        &access.state.authority,
        &access.ctx,
        &actor,
        &ids,
        role,
    )
    .await?;
    tell(&access, &actor, &changed).await?;
    let count = changed.len();
    leptos_axum::redirect(&format!("/members?done=role&count={count}"));
    Ok(count)
}

/// Removes the members `user_ids` (comma-separated) from the organization.
#[server(endpoint = "remove_members")]
pub async fn remove_members(user_ids: String) -> Result<usize, AppError> {
    use crate::model::{members::parse_ids, Permission};
    use crate::server::{identity::members, web::context};
    let access = context::require(Permission::ManageMembers).await?;
    let ids = parse_ids(&user_ids)
        .ok_or_else(|| AppError::field("form", "Select members from the list."))?;
    let actor = access.actor();
    let removed = members::remove(
        &access.state.control,
        &access.state.authority,
        &access.ctx,
        &actor,
        &ids,
    )
    .await?;
    tell(&access, &actor, &removed).await?;
    let count = removed.len();
    leptos_axum::redirect(&format!("/members?done=removed&count={count}"));
    Ok(count)
}

/// Tells the members a change was made to, as their choices allow.
#[cfg(feature = "ssr")]
async fn tell(
    access: &crate::server::web::context::Access,
    actor: &crate::server::org::audit::Actor,
    changed: &[crate::server::identity::members::Changed],
) -> Result<(), AppError> {
    let host = crate::server::web::context::parsed_host()?;
    let state = &access.state;
    let tenant_url = host.tenant_url(state, &access.ctx.tenant.slug, "");
    let apex_url = host.apex_url(state, "");
    crate::server::identity::members::notify(
        &state.mailer,
        &access.ctx,
        actor,
        changed,
        (&tenant_url, &apex_url),
    )
    .await;
    Ok(())
}

/// The signed-in member leaves the organization (the last owner cannot),
/// and lands on the apex.
#[server(endpoint = "leave_organization")]
pub async fn leave_organization() -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{
        error::internal,
        identity::{members, sign_in},
        web::context,
    };
    let access = context::require(Permission::ViewOrganization).await?;
    // Leaving is removing oneself, whatever one's role: an owner may leave
    // while another owner stays.
    let actor = access.actor();
    members::remove(
        &access.state.control,
        &access.state.authority,
        &access.ctx,
        &actor,
        &[actor.user_id],
    )
    .await?;
    sign_in::end(&context::session().await?)
        .await
        .map_err(internal)?;
    let host = context::parsed_host()?;
    leptos_axum::redirect(&host.apex_url(&access.state, "/login"));
    Ok(())
}
