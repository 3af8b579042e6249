//! The organization's custom domains, for its owners: add one, check its
//! DNS records now, remove it.

use crate::model::{
    domains::{Domain, DomainsPage},
    AppError,
};
use leptos::prelude::*;

/// Set in the page's address after a form posted without JavaScript, with
/// the host it was about.
pub const DOMAIN_PARAMETER: &str = "domain";

#[server(endpoint = "custom_domains")]
pub async fn get_domains() -> Result<DomainsPage, AppError> {
    use crate::model::Permission;
    use crate::server::{org::domains, web::context};
    let access = context::require(Permission::ManageOwners).await?;
    let target = format!(
        "{}.{}",
        access.ctx.tenant.slug, access.state.settings.base_domain
    );
    let settings = &access.state.settings;
    domains::page(
        &access.state.control,
        &access.ctx,
        &target,
        (&access.local(), settings),
    )
    .await
}

/// Adds a domain, waiting for its DNS records; the page shows which.
#[server(endpoint = "add_domain")]
pub async fn add_domain(host: String) -> Result<String, AppError> {
    use crate::model::Permission;
    use crate::server::{org::domains, web::context};
    let access = context::require(Permission::ManageOwners).await?;
    let base = &access.state.settings.base_domain;
    let host = domains::add(
        &access.state.control,
        &access.ctx,
        &access.actor(),
        base,
        &host,
    )
    .await?;
    back_to_page(&host);
    Ok(host)
}

/// Checks a domain's DNS records now: served when they are right.
#[server(endpoint = "verify_domain")]
pub async fn verify_domain(host: String) -> Result<Domain, AppError> {
    use crate::model::Permission;
    use crate::server::{org::domains::Checker, web::context};
    let access = context::require(Permission::ManageOwners).await?;
    let state = &access.state;
    state.limits.take_domain_check(access.ctx.tenant.id)?;
    let checker = Checker {
        control: &state.control,
        directory: &state.directory,
        dns: &state.dns,
        settings: &state.settings,
    };
    let domain = checker
        .verify(&access.ctx, &access.actor(), &access.local(), &host)
        .await?;
    back_to_page(&host);
    Ok(domain)
}

/// Removes a domain: the organization is no longer served there.
#[server(endpoint = "remove_domain")]
pub async fn remove_domain(host: String) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::domains, web::context};
    let access = context::require(Permission::ManageOwners).await?;
    let state = &access.state;
    domains::remove(
        &state.control,
        &state.directory,
        &access.ctx,
        &access.actor(),
        &host,
    )
    .await?;
    back_to_page(&host);
    Ok(())
}

/// Without JavaScript, the browser goes back to the page, which says what
/// became of `host`.
#[cfg(feature = "ssr")]
fn back_to_page(host: &str) {
    if crate::server::web::context::plain_form_post() {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair(DOMAIN_PARAMETER, host)
            .finish();
        leptos_axum::redirect(&format!("/settings/domains?{query}"));
    }
}
