//! The organization's own settings that the control plane also keeps: its
//! display name, how its pages write dates and times, and their colour.

use crate::model::account::check_org_name;
use crate::model::AppError;
use crate::server::{
    error::{internal, tenant_db},
    org::{
        audit::{self, Action, Actor, Change},
        settings::{self as org_settings, Key},
    },
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use tenancy::context::TenantCtx;
use tenancy::{
    directory::{announce_change, TenantDirectory},
    entities::tenants,
};

/// Renames the organization, in its own database and in the control plane
/// ([`audit::audited`]), which tells every instance.
pub async fn rename(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    name: &str,
) -> Result<String, AppError> {
    let name = name.trim();
    if let Err(message) = check_org_name(name) {
        return Err(AppError::field_echo("name", name, message));
    }
    if name == ctx.tenant.name {
        return Ok(name.to_owned());
    }
    let change = Change {
        action: Action::OrganizationRename,
        target: "organization".to_owned(),
        before: Some(ctx.tenant.name.clone()),
        after: Some(name.to_owned()),
    };
    let also = Some((Key::OrganizationName, name));
    change_tenant(control, directory, ctx, actor, change, also, |row| {
        row.name = Set(name.to_owned());
    })
    .await?;
    Ok(name.to_owned())
}

/// Sets the time zone (an IANA name) and date format the organization's
/// pages use, kept with the tenant in the control plane (the tenant cache
/// brings them to every request) and audited in the organization's log.
///
/// # Errors
/// `Validation` next to the field that names no zone or format.
pub async fn set_display(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    time_zone: &str,
    date_format: &str,
) -> Result<(), AppError> {
    use crate::model::{settings::DateFormat, FieldErrors};
    let (zone_name, format_name) = (time_zone.trim(), date_format.trim());
    let mut errors = FieldErrors::default()
        .echo("time_zone", zone_name)
        .echo("date_format", format_name);
    if crate::server::time::time_zone(zone_name).is_none() {
        errors.add("time_zone", "Choose a time zone from the list.");
    }
    let format = DateFormat::parse(format_name);
    if format.is_none() {
        errors.add("date_format", "Choose a date format from the list.");
    }
    errors.into_result()?;
    let format = format.unwrap_or_default();
    let before = format!(
        "{} · {}",
        ctx.tenant.preferences.time_zone.as_deref().unwrap_or("UTC"),
        ctx.tenant
            .preferences
            .date_format
            .as_deref()
            .unwrap_or("iso")
    );
    let after = format!("{zone_name} · {}", format.as_str());
    if before == after {
        return Ok(());
    }
    let change = Change {
        action: Action::OrganizationDisplay,
        target: "organization".to_owned(),
        before: Some(before),
        after: Some(after),
    };
    change_tenant(control, directory, ctx, actor, change, None, |row| {
        row.time_zone = Set(Some(zone_name.to_owned()));
        row.date_format = Set(Some(format.as_str().to_owned()));
    })
    .await?;
    Ok(())
}

/// Sets the primary colour of the organization's pages (`""`: Tenantry's
/// own), once it is readable with white text; kept with the tenant like
/// the time zone, audited.
///
/// # Errors
/// `Validation` next to `brand_color` with the reason.
pub async fn set_brand_color(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    color: &str,
) -> Result<(), AppError> {
    use crate::model::settings::check_brand_color;
    let color = match color.trim() {
        "" => None,
        text => Some(
            check_brand_color(text)
                .map_err(|message| AppError::field_echo("brand_color", text, message))?,
        ),
    };
    if color == ctx.tenant.preferences.brand_color {
        return Ok(());
    }
    let change = Change {
        action: Action::OrganizationBranding,
        target: "organization".to_owned(),
        before: ctx.tenant.preferences.brand_color.clone(),
        after: color.clone(),
    };
    change_tenant(control, directory, ctx, actor, change, None, |row| {
        row.brand_color = Set(color.clone());
    })
    .await?;
    Ok(())
}

/// Applies `edit` to the organization's control-plane row and records
/// `change` in its audit log, in one step ([`audit::audited`]); with `also`,
/// writes that setting of its own database too. Tells every instance, and
/// forgets the cached tenant here.
async fn change_tenant(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    change: Change,
    also: Option<(Key, &str)>,
    edit: impl FnOnce(&mut tenants::ActiveModel),
) -> Result<(), AppError> {
    audit::audited(&ctx.db, control, async |both| {
        both.record(actor, change).await?;
        if let Some((key, value)) = also {
            org_settings::put(both.tenant, key, value)
                .await
                .map_err(tenant_db)?;
        }
        let tenant = tenants::Entity::find_by_id(ctx.tenant.id)
            .one(both.control)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let mut row: tenants::ActiveModel = tenant.into();
        edit(&mut row);
        row.update(both.control).await.map_err(internal)?;
        announce_change(both.control, &ctx.tenant.slug)
            .await
            .map_err(internal)
    })
    .await?;
    directory.invalidate(&ctx.tenant.slug);
    Ok(())
}
