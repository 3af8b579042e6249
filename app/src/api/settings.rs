//! The organization's settings: its name, its subdomain, how it writes
//! dates, its colour, and its deletion.

use crate::model::{settings::OrgSettings, AppError};
use leptos::prelude::*;

#[server(endpoint = "org_settings")]
pub async fn get_org_settings() -> Result<OrgSettings, AppError> {
    use crate::model::{
        settings::{
            logo_href, DateFormat, FormerSubdomain, DEFAULT_BRAND_COLOR, DEFAULT_TIME_ZONE,
        },
        Permission,
    };
    use crate::server::{
        time::{now_unix, time_zone_names},
        web::context,
    };
    let access = context::require(Permission::ManageSettings).await?;
    let tenant = &access.ctx.tenant;
    let host = context::parsed_host()?.tenant_url(&access.state, &tenant.slug, "");
    let local = access.local();
    let owner = access.member.role.grants(Permission::ManageOwners);
    // Only owners see the subdomain section, which lists them.
    let former_subdomains = if owner {
        tenancy::catalog::former_subdomains(&access.state.control, tenant.id, now_unix())
            .await
            .map_err(crate::server::error::internal)?
            .into_iter()
            .map(|former| FormerSubdomain {
                slug: former.slug,
                held_until: local.date(former.held_until),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(OrgSettings {
        name: tenant.name.clone(),
        slug: tenant.slug.clone(),
        host,
        owner,
        grace_days: access.state.settings.deletion_grace_days,
        time_zone: tenant
            .preferences
            .time_zone
            .clone()
            .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned()),
        date_format: tenant
            .preferences
            .date_format
            .as_deref()
            .and_then(DateFormat::parse)
            .unwrap_or_default(),
        time_zones: time_zone_names(),
        now: local.datetime(now_unix()),
        brand_color: tenant
            .preferences
            .brand_color
            .clone()
            .unwrap_or_else(|| DEFAULT_BRAND_COLOR.to_owned()),
        logo: tenant.preferences.logo.as_deref().map(logo_href),
        former_subdomains,
    })
}

/// Renames the organization; every page and mail shows the new name.
#[server(endpoint = "rename_organization")]
pub async fn rename_organization(name: String) -> Result<String, AppError> {
    use crate::model::Permission;
    use crate::server::{org::organization, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    let name = organization::rename(
        &access.state.control,
        &access.state.directory,
        &access.ctx,
        &access.actor(),
        &name,
    )
    .await?;
    // Without JavaScript the page says "Saved." when the address says so.
    if context::plain_form_post() {
        use crate::model::settings::SAVED_PARAMETER;
        leptos_axum::redirect(&format!("/settings?{SAVED_PARAMETER}=1"));
    }
    Ok(name)
}

/// Moves the organization to a new subdomain; the old one redirects to it
/// (and stays its own) for 30 days. Owners only. Sends the owner on to the
/// settings page on the new subdomain, signed in there.
#[server(endpoint = "change_subdomain")]
pub async fn change_subdomain(subdomain: String) -> Result<(), AppError> {
    use crate::model::{settings::MOVED_PARAMETER, Permission};
    use crate::server::{
        identity::accounts,
        org::organization,
        web::{context, handoff::handoff_path},
    };
    let access = context::require(Permission::ManageOwners).await?;
    let state = &access.state;
    let slug = organization::change_subdomain(
        &state.control,
        &state.registry,
        &state.directory,
        &access.ctx,
        &access.actor(),
        &subdomain,
    )
    .await?;
    let host = context::parsed_host()?;
    if slug == access.ctx.tenant.slug {
        if context::plain_form_post() {
            leptos_axum::redirect("/settings");
        }
        return Ok(());
    }
    let token = accounts::handoff_to(&state.control, access.member.user_id, &slug).await?;
    let landing = format!("/settings?{MOVED_PARAMETER}=1");
    leptos_axum::redirect(&host.tenant_url(state, &slug, &handoff_path(&token, &landing)));
    Ok(())
}

/// Sets the time zone and date format every page of the organization uses.
#[server(endpoint = "update_display")]
pub async fn update_display(time_zone: String, date_format: String) -> Result<(), AppError> {
    use crate::model::{settings::SAVED_PARAMETER, Permission};
    use crate::server::{org::organization, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    organization::set_display(
        &access.state.control,
        &access.state.directory,
        &access.ctx,
        &access.actor(),
        &time_zone,
        &date_format,
    )
    .await?;
    if context::plain_form_post() {
        leptos_axum::redirect(&format!("/settings?{SAVED_PARAMETER}=1"));
    }
    Ok(())
}

/// Makes the uploaded image the organization's logo: a form (posted with
/// or without JavaScript) whose file field is `logo`. The image is checked
/// and encoded again on the CPU pool (`server::org::logo`).
#[server(endpoint = "upload_logo", input = server_fn::codec::MultipartFormData)]
pub async fn upload_logo(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::model::{
        settings::{LOGO_MAX_BYTES, LOGO_SAVED_PARAMETER},
        Permission,
    };
    use crate::server::{
        org::logo,
        web::{context, upload},
    };
    let access = context::require(Permission::ManageSettings).await?;
    let bytes = upload::file_field(data, logo::FIELD, LOGO_MAX_BYTES, logo::FIELD).await?;
    let prepared = access
        .state
        .limits
        .cpu
        .run(move || logo::prepare(&bytes))
        .await?
        .map_err(|message| AppError::field(logo::FIELD, message))?;
    logo::set(
        &access.state.control,
        &access.state.directory,
        &access.ctx,
        &access.actor(),
        Some(prepared),
    )
    .await?;
    if context::plain_form_post() {
        leptos_axum::redirect(&format!("/settings?{LOGO_SAVED_PARAMETER}=1"));
    }
    Ok(())
}

/// Takes the organization's logo away: its pages show its name alone.
#[server(endpoint = "remove_logo")]
pub async fn remove_logo() -> Result<(), AppError> {
    use crate::model::{settings::LOGO_SAVED_PARAMETER, Permission};
    use crate::server::{org::logo, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    logo::set(
        &access.state.control,
        &access.state.directory,
        &access.ctx,
        &access.actor(),
        None,
    )
    .await?;
    if context::plain_form_post() {
        leptos_axum::redirect(&format!("/settings?{LOGO_SAVED_PARAMETER}=1"));
    }
    Ok(())
}

/// Sets the primary colour of the organization's pages (empty: Tenantry's).
#[server(endpoint = "update_branding")]
pub async fn update_branding(brand_color: String) -> Result<(), AppError> {
    use crate::model::{settings::SAVED_PARAMETER, Permission};
    use crate::server::{org::organization, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    organization::set_brand_color(
        &access.state.control,
        &access.state.directory,
        &access.ctx,
        &access.actor(),
        &brand_color,
    )
    .await?;
    if context::plain_form_post() {
        leptos_axum::redirect(&format!("/settings?{SAVED_PARAMETER}=1"));
    }
    Ok(())
}

/// Deletes the organization, for an owner who re-enters their password and
/// types its subdomain: unreachable at once, restorable by an owner from
/// the apex for the grace period, then purged. Sends them to the apex's
/// organizations page, which offers the restore.
#[server(endpoint = "delete_organization")]
pub async fn delete_organization(password: String, slug: String) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{identity::deletion, web::context};
    let access = context::require(Permission::ManageOwners).await?;
    deletion::delete(
        &access.state.control,
        &access.state.directory,
        &access.state.limits,
        &access.ctx,
        &access.actor(),
        access.ip,
        &password,
        &slug,
    )
    .await?;
    let apex = context::parsed_host()?.apex_url(&access.state, "/organizations");
    leptos_axum::redirect(&apex);
    Ok(())
}
