use crate::model::{site::Site, AppError};
use leptos::prelude::*;

/// Which site this host serves: the apex, or a tenant.
#[server(endpoint = "get_site")]
pub async fn get_site() -> Result<Site, AppError> {
    use crate::server::web::{context, host::HostKind};
    if let Ok(ctx) = context::tenant_ctx() {
        return Ok(Site::Tenant {
            slug: ctx.tenant.slug,
        });
    }
    match context::parsed_host()?.kind {
        HostKind::Apex => Ok(Site::Apex),
        _ => Err(AppError::NotFound),
    }
}
