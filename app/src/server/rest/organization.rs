//! `/organization`: the organization the host names.

use super::{caller::Caller, error::ApiResult, extract::Body, OrganizationBody};
use crate::model::Permission;
use crate::server::{org::organization, AppState};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_organization, update_organization))
}

#[derive(Serialize, ToSchema)]
struct Organization {
    /// The subdomain: `slug.BASE`.
    slug: String,
    name: String,
}

/// The organization
///
/// Needs the ViewOrganization permission.
#[utoipa::path(get, path = "/organization", tag = "organization",
    responses((status = 200, body = Organization)))]
async fn get_organization(caller: Caller) -> ApiResult<Json<Organization>> {
    caller.require(Permission::ViewOrganization)?;
    Ok(Json(Organization {
        slug: caller.ctx.tenant.slug.clone(),
        name: caller.ctx.tenant.name.clone(),
    }))
}

/// Rename the organization
///
/// Needs the ManageSettings permission.
#[utoipa::path(patch, path = "/organization", tag = "organization",
    request_body = OrganizationBody,
    responses((status = 200, body = Organization)))]
async fn update_organization(
    caller: Caller,
    Body(body): Body<OrganizationBody>,
) -> ApiResult<Json<Organization>> {
    caller.require(Permission::ManageSettings)?;
    let name = organization::rename(
        &caller.state.control,
        &caller.state.directory,
        &caller.ctx,
        &caller.actor,
        &body.name,
    )
    .await
    .map_err(|e| caller.fail(e))?;
    Ok(Json(Organization {
        slug: caller.ctx.tenant.slug.clone(),
        name,
    }))
}
