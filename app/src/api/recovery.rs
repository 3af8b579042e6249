//! Password reset and "find my organizations": the answers say the same
//! whether or not the email has an account.

use crate::model::AppError;
use leptos::prelude::*;

/// Emails a password reset link to `email`, if it has an account.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::{identity::recovery, rate_limit::MailKind, web::context};
    let state = context::app_state()?;
    let email = recovery::email_field(&email)?;
    let ip = context::client_ip()?;
    if state
        .limits
        .take_mail(ip, MailKind::PasswordReset, &email)?
    {
        let apex = context::parsed_host()?.apex_url(&state, "");
        recovery::request_reset(state.control.clone(), state.mailer.clone(), email, apex);
    }
    leptos_axum::redirect("/forgot-password?sent=1");
    Ok(())
}

/// Sets a new password with a reset link's `token`, ends every session of
/// the account, and sends the browser to log in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::server::{
        error::internal,
        identity::{accounts, recovery, unconfirmed},
        web::context,
    };
    let state = context::app_state()?;
    state.limits.take_reset(context::client_ip()?)?;
    let email = recovery::reset(
        &state.control,
        &state.authority,
        &state.limits,
        &token,
        &password,
    )
    .await?;
    // The owner of the address is back: earlier failed log-ins no longer count.
    state.limits.forgive_account(&email);
    // The address is confirmed now: an organization suspended for want of a
    // confirmed owner is served again.
    if let Some(user) = accounts::user_by_email(&state.control, &email).await? {
        unconfirmed::reactivate_for(&state.control, &state.directory, user.id)
            .await
            .map_err(internal)?;
    }
    leptos_axum::redirect("/login?reset=done");
    Ok(())
}

/// Emails `email` the list of its organizations, if it has an account.
#[server(endpoint = "find_organizations")]
pub async fn find_organizations(email: String) -> Result<(), AppError> {
    use crate::server::{identity::recovery, rate_limit::MailKind, web::context};
    let host = context::require_apex()?;
    let state = context::app_state()?;
    let email = recovery::email_field(&email)?;
    let ip = context::client_ip()?;
    if state
        .limits
        .take_mail(ip, MailKind::OrganizationList, &email)?
    {
        let (control, mailer) = (state.control.clone(), state.mailer.clone());
        let login_url = move |slug: &str| host.tenant_url(&state, slug, "/login");
        recovery::send_organizations(control, mailer, email, login_url);
    }
    leptos_axum::redirect("/find-organizations?sent=1");
    Ok(())
}
