//! Logging in and out, and moving between one's organizations.

use crate::model::{
    auth::{Account, OrgShell},
    AppError,
};
use leptos::prelude::*;

/// Logs in on this host. On the apex any account gets in and lands on its
/// list of organizations; on an organization's host only its members do,
/// and land on its home page.
#[server(endpoint = "log_in")]
pub async fn log_in(email: String, password: String) -> Result<(), AppError> {
    use crate::model::FieldErrors;
    use crate::server::{
        error::internal,
        identity::{accounts, sign_in},
        web::context,
    };
    let here = context::tenant_ctx().ok();
    if here.is_none() {
        context::require_apex()?;
    }
    let state = context::app_state()?;
    let ip = context::client_ip()?;
    let user =
        accounts::check_credentials(&state.control, &state.limits, ip, &email, &password).await?;
    if let Some(ctx) = &here {
        if accounts::role_in(&state.control, user.id, ctx.tenant.id)
            .await?
            .is_none()
        {
            let mut errors = FieldErrors::default().echo("email", &user.email);
            errors.add(
                "form",
                format!(
                    "{} is not a member of {}. Ask one of its admins for an invitation.",
                    user.email, ctx.tenant.name
                ),
            );
            return Err(AppError::Validation(errors));
        }
    }
    let session = context::session().await?;
    sign_in::start(&session, user.id, here.as_ref().map(|ctx| ctx.tenant.id))
        .await
        .map_err(internal)?;
    leptos_axum::redirect(if here.is_some() {
        "/"
    } else {
        "/organizations"
    });
    Ok(())
}

/// Logs out of this host.
#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::server::{error::internal, identity::sign_in, web::context};
    sign_in::end(&context::session().await?)
        .await
        .map_err(internal)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Ends every session of the signed-in user, on every host and device, and
/// the API tokens they created.
#[server(endpoint = "log_out_everywhere")]
pub async fn log_out_everywhere() -> Result<(), AppError> {
    use crate::server::{error::internal, identity::sign_in, web::context};
    let signed_in = context::signed_in().await?;
    let state = context::app_state()?;
    state
        .session_store()
        .delete_user_sessions(signed_in.user_id)
        .await
        .map_err(internal)?;
    sign_in::end(&context::session().await?)
        .await
        .map_err(internal)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user and all their organizations (the apex's page), and
/// those they own that an owner deleted and they can still restore.
#[server(endpoint = "account")]
pub async fn get_account() -> Result<Account, AppError> {
    use crate::server::{
        identity::{accounts, deletion},
        time::now_unix,
        web::context,
    };
    let signed_in = context::signed_in().await?;
    let state = context::app_state()?;
    let user = accounts::user(&state.control, signed_in.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let organizations = accounts::organizations_of(&state.control, signed_in.user_id).await?;
    let grace = state.settings.deletion_grace_days;
    let restorable =
        deletion::restorable(&state.control, signed_in.user_id, grace, now_unix()).await?;
    Ok(Account {
        email: user.email,
        total: organizations.len() as u64,
        organizations,
        current: context::tenant_ctx().ok().map(|ctx| ctx.tenant.slug),
        all_at: "/organizations".to_owned(),
        restorable,
    })
}

/// Brings back an organization the signed-in user owns and an owner
/// deleted, within the grace period; on the apex.
#[server(endpoint = "restore_organization")]
pub async fn restore_organization(slug: String) -> Result<(), AppError> {
    use crate::server::{identity::deletion, time::now_unix, web::context};
    context::require_apex()?;
    let signed_in = context::signed_in().await?;
    let state = context::app_state()?;
    let grace = state.settings.deletion_grace_days;
    deletion::restore(
        &state.control,
        &state.directory,
        signed_in.user_id,
        &slug,
        grace,
        now_unix(),
    )
    .await?;
    leptos_axum::redirect(&format!("/organizations?restored={}", slug.trim()));
    Ok(())
}

/// What every page of an organization's host shows around its own: the
/// organization, the signed-in member, and their account menu (their first
/// organizations), all from the authority cache.
#[server(endpoint = "org_shell")]
pub async fn get_org_shell() -> Result<OrgShell, AppError> {
    use crate::model::Permission;
    use crate::server::{identity::accounts, web::context};
    let context::Access {
        state, ctx, member, ..
    } = context::require(Permission::ViewOrganization).await?;
    let facts = state
        .authority
        .account(
            member.user_id,
            accounts::menu_facts(&state.control, member.user_id),
        )
        .await?;
    Ok(OrgShell {
        logo: ctx
            .tenant
            .preferences
            .logo
            .as_deref()
            .map(crate::model::settings::logo_href),
        org_name: ctx.tenant.name,
        email: member.email,
        role: member.role,
        email_verified: member.email_verified,
        account: Account {
            email: facts.email.clone(),
            organizations: facts.organizations.clone(),
            total: facts.total,
            current: Some(ctx.tenant.slug),
            all_at: context::parsed_host()?.apex_url(&state, "/organizations"),
            restorable: Vec::new(),
        },
    })
}

/// Sends the signed-in user to one of their organizations, signed in there:
/// a single-use handoff token carries them across to its host.
#[server(endpoint = "open_organization")]
pub async fn open_organization(slug: String) -> Result<(), AppError> {
    use crate::server::{identity::accounts, web::context};
    let signed_in = context::signed_in().await?;
    let state = context::app_state()?;
    let token = accounts::handoff_to(&state.control, signed_in.user_id, &slug).await?;
    let host = context::parsed_host()?;
    let target = host.tenant_url(&state, &slug, &format!("/auth/handoff?token={token}"));
    leptos_axum::redirect(&target);
    Ok(())
}

/// Sends the signed-in user a new link to confirm their email address.
/// Returns `false` when it is confirmed already (nothing is sent).
#[server(endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<bool, AppError> {
    use crate::server::{
        identity::{accounts, verification},
        web::context,
    };
    let signed_in = context::signed_in().await?;
    let state = context::app_state()?;
    let user = accounts::user(&state.control, signed_in.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if user.email_verified_at.is_some() {
        return Ok(false);
    }
    state
        .limits
        .take_confirmation(context::client_ip()?, &user.email)?;
    let apex = context::parsed_host()?.apex_url(&state, "");
    verification::send(&state.control, &state.mailer, &user, &apex).await?;
    Ok(true)
}
