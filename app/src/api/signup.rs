use crate::model::{site::SlugAvailability, AppError};
use leptos::prelude::*;

/// Whether `subdomain` can be had, for the live hint on the sign-up form.
#[server(endpoint = "check_subdomain")]
pub async fn check_subdomain(subdomain: String) -> Result<SlugAvailability, AppError> {
    use crate::model::slug::validate_slug;
    use crate::server::{error::internal, web::context};
    use tenancy::catalog::slug_taken;
    context::require_apex()?;
    let state = context::app_state()?;
    let slug = subdomain.trim().to_owned();
    let (available, message) = match validate_slug(&slug) {
        Err(e) => (false, e.to_string()),
        Ok(()) if slug_taken(&state.control, &slug).await.map_err(internal)? => {
            (false, "This subdomain is taken.".to_owned())
        }
        Ok(()) => (
            true,
            format!("{slug}.{} is available.", state.settings.base_domain),
        ),
    };
    Ok(SlugAvailability {
        slug,
        available,
        message,
    })
}

/// Creates the organization, its owner and its database, then sends the
/// browser to the new subdomain, signed in.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    org_name: String,
    subdomain: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    use crate::server::{
        identity::{accounts, signup, verification},
        web::context,
    };
    let host = context::require_apex()?;
    let state = context::app_state()?;
    let input = signup::SignUpInput {
        org_name,
        subdomain,
        email,
        password,
    };
    let client = (state.limits.as_ref(), context::client_ip()?);
    let signed_up = signup::sign_up(
        &state.control,
        &state.registry,
        &state.directory,
        client,
        input,
    )
    .await?;
    // A new account gets the link to confirm its address now, once: more
    // organizations for the same unconfirmed account send nothing (the home
    // page's banner sends it again on request). The organization exists
    // whatever the mail server says.
    if signed_up.new_account {
        if let Some(owner) = accounts::user(&state.control, signed_up.owner_id).await? {
            let apex = host.apex_url(&state, "");
            if let Err(e) = verification::send(&state.control, &state.mailer, &owner, &apex).await {
                tracing::warn!(error = %e, "sign-up: the verification email was not sent");
            }
        }
    }
    let target = host.tenant_url(
        &state,
        &signed_up.slug,
        &format!("/auth/handoff?token={}", signed_up.handoff_token),
    );
    leptos_axum::redirect(&target);
    Ok(())
}
