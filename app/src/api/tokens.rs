//! API tokens: listed, created (the secret shown once) and revoked by the
//! organization's owners and admins.

use crate::model::{api_tokens::ApiTokens, AppError};
use leptos::prelude::*;

#[server(endpoint = "api_tokens")]
pub async fn get_api_tokens() -> Result<ApiTokens, AppError> {
    use crate::model::{api_tokens::CreatedToken, Permission};
    use crate::server::{
        error::{internal, tenant_db},
        org::api_tokens,
        web::context,
    };
    let access = context::require(Permission::ManageSettings).await?;
    let session = context::session().await?;
    let just_created: Option<CreatedToken> = session
        .remove(api_tokens::JUST_CREATED)
        .await
        .map_err(internal)?;
    Ok(ApiTokens {
        tokens: api_tokens::list(&access.ctx.db).await.map_err(tenant_db)?,
        just_created,
    })
}

/// Creates a token; the tokens page shows its secret once.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String, role: String) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{error::internal, org::api_tokens, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    let created = api_tokens::create(
        &access.ctx.db,
        &access.actor(),
        access.member.role,
        &name,
        &role,
    )
    .await?;
    context::session()
        .await?
        .insert(api_tokens::JUST_CREATED, created)
        .await
        .map_err(internal)?;
    Ok(())
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::api_tokens, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    api_tokens::revoke(&access.ctx.db, &access.actor(), id).await
}
