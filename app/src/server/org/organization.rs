//! The organization's own settings that the control plane also keeps: its
//! display name, how its pages write dates and times, and their colour.

use crate::model::account::check_org_name;
use crate::model::{slug::validate_slug, AppError};
use crate::server::{
    error::{internal, tenant_db},
    org::{
        audit::{self, Action, Actor, Change},
        settings::{self as org_settings, Key},
    },
    time::now_unix,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait,
};
use tenancy::context::TenantCtx;
use tenancy::{
    catalog,
    directory::{announce_change, TenantDirectory},
    entities::tenants,
    provision,
    registry::TenantRegistry,
};

/// For [`change_tenant`]: nothing more to write in the organization's
/// database than the audit entry.
pub(super) async fn nothing_else(_: &DatabaseTransaction) -> Result<(), AppError> {
    Ok(())
}

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
    let also = async |tenant: &DatabaseTransaction| {
        org_settings::put(tenant, Key::OrganizationName, name)
            .await
            .map_err(tenant_db)
    };
    change_tenant(control, directory, ctx, actor, change, also, |row| {
        row.name = Set(name.to_owned());
    })
    .await?;
    Ok(name.to_owned())
}

/// Moves the organization to subdomain `to`; the one it leaves keeps
/// leading to it for [`FORMER_SUBDOMAIN_DAYS`] and nobody else can take it
/// meanwhile ([`tenancy::subdomains`]). Audited; every instance is told
/// about both subdomains.
///
/// # Errors
/// `Validation` next to `subdomain`: its shape, reserved, taken, or too
/// many subdomains still held.
pub async fn change_subdomain(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    to: &str,
) -> Result<String, AppError> {
    use crate::model::settings::{FORMER_SUBDOMAINS_AT_MOST, FORMER_SUBDOMAIN_DAYS};
    use tenancy::subdomains::{self, Hold, SubdomainError};
    let to = to.trim();
    let from = ctx.tenant.slug.as_str();
    let refuse = |message: String| AppError::field_echo("subdomain", to, message);
    if to == from {
        return Ok(to.to_owned());
    }
    validate_slug(to).map_err(|e| refuse(e.to_string()))?;
    let own_former = catalog::former_holder(control, to, now_unix())
        .await
        .map_err(internal)?
        == Some(ctx.tenant.id);
    if !own_former
        && provision::slug_held(control, registry, to)
            .await
            .map_err(internal)?
    {
        return Err(refuse(TAKEN.to_owned()));
    }
    let hold = Hold {
        secs: FORMER_SUBDOMAIN_DAYS * 24 * 60 * 60,
        at_most: FORMER_SUBDOMAINS_AT_MOST,
    };
    let change = Change {
        action: Action::OrganizationSubdomain,
        target: "organization".to_owned(),
        before: Some(from.to_owned()),
        after: Some(to.to_owned()),
    };
    audit::audited(&ctx.db, control, async |both| {
        both.record(actor, change).await?;
        match subdomains::change(both.control, ctx.tenant.id, from, to, now_unix(), hold).await {
            Ok(()) => {}
            Err(SubdomainError::Taken) => return Err(refuse(TAKEN.to_owned())),
            Err(SubdomainError::TooManyHeld { held }) => {
                return Err(refuse(format!(
                    "This organization changed its subdomain {held} times in the last \
                     {FORMER_SUBDOMAIN_DAYS} days, and each former one is held for it that long. \
                     Take back one of them, or wait until the oldest is released."
                )))
            }
            Err(SubdomainError::Db(e)) => return Err(internal(e)),
        }
        for slug in [from, to] {
            announce_change(both.control, slug)
                .await
                .map_err(internal)?;
        }
        Ok(())
    })
    .await?;
    directory.invalidate(from);
    directory.invalidate(to);
    Ok(to.to_owned())
}

const TAKEN: &str = "This subdomain is taken.";

/// Moves the organization to the plan `to` of `plans`, unless what it holds
/// (`used`) exceeds that plan: then the refusal, next to `plan`, lists
/// exactly what to remove first. Audited; every instance is told, so every
/// create checks the new caps from the next request on. (A checkout or a
/// billing provider's webhook would call this same function: the seam.)
pub async fn change_plan(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    (plans, used): (&crate::model::plans::Plans, &crate::model::plans::Used),
    to: &str,
) -> Result<(), AppError> {
    let to = to.trim();
    let Some(plan) = plans.all().iter().find(|p| p.name == to) else {
        return Err(AppError::field("plan", "Choose one of the plans listed."));
    };
    let current = plans.of(ctx.tenant.plan.as_deref());
    if current.name == plan.name {
        return Ok(());
    }
    let exceeding = crate::model::plans::exceeds(plan, used);
    if !exceeding.is_empty() {
        return Err(AppError::field(
            "plan",
            format!(
                "This organization holds more than the {} plan allows: {}.",
                plan.label,
                exceeding.join("; ")
            ),
        ));
    }
    let change = Change {
        action: Action::OrganizationPlan,
        target: "organization".to_owned(),
        before: Some(current.label.clone()),
        after: Some(plan.label.clone()),
    };
    let name = plan.name.clone();
    change_tenant(
        control,
        directory,
        ctx,
        actor,
        change,
        nothing_else,
        |row| {
            row.plan = Set(Some(name));
        },
    )
    .await
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
    change_tenant(
        control,
        directory,
        ctx,
        actor,
        change,
        nothing_else,
        |row| {
            row.time_zone = Set(Some(zone_name.to_owned()));
            row.date_format = Set(Some(format.as_str().to_owned()));
        },
    )
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
    change_tenant(
        control,
        directory,
        ctx,
        actor,
        change,
        nothing_else,
        |row| {
            row.brand_color = Set(color.clone());
        },
    )
    .await?;
    Ok(())
}

/// Applies `edit` to the organization's control-plane row and records
/// `change` in its audit log, in one step ([`audit::audited`]), with what
/// `also` writes in its own database in the same transaction. Tells every
/// instance, and forgets the cached tenant here.
pub(super) async fn change_tenant(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    change: Change,
    also: impl AsyncFnOnce(&DatabaseTransaction) -> Result<(), AppError>,
    edit: impl FnOnce(&mut tenants::ActiveModel),
) -> Result<(), AppError> {
    audit::audited(&ctx.db, control, async |both| {
        both.record(actor, change).await?;
        also(both.tenant).await?;
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
