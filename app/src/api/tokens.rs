//! API tokens: listed, created (the secret shown once) and revoked by the
//! organization's owners and admins.

use crate::model::{api_tokens::ApiTokens, AppError};
use leptos::prelude::*;

#[server(endpoint = "api_tokens")]
pub async fn get_api_tokens() -> Result<ApiTokens, AppError> {
    use crate::model::Permission;
    use crate::server::{
        error::{internal, tenant_db},
        org::{api_tokens, new_token},
        web::context,
    };
    let access = context::require(Permission::ManageSettings).await?;
    let session = context::session().await?;
    let sealed: Option<new_token::Sealed> = session
        .remove(new_token::SESSION_KEY)
        .await
        .map_err(internal)?;
    let just_created = match sealed {
        Some(sealed) => {
            let headers: http::HeaderMap = leptos_axum::extract().await.map_err(internal)?;
            let cookies = headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok());
            let secure = access.state.settings.https;
            set_cookie(&new_token::pad_cookie_removed(secure));
            new_token::pad_of(cookies, secure).and_then(|pad| new_token::unseal(sealed, &pad))
        }
        None => None,
    };
    Ok(ApiTokens {
        tokens: api_tokens::list(&access.ctx.db, &access.local())
            .await
            .map_err(tenant_db)?,
        just_created,
    })
}

/// Creates a token; the tokens page shows its secret once.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String, role: String) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{
        error::internal,
        org::{api_tokens, new_token},
        web::context,
    };
    let access = context::require(Permission::ManageSettings).await?;
    let created = api_tokens::create(
        &access.ctx.db,
        &access.actor(),
        (
            access.member.role,
            &access.cap(crate::model::plans::Resource::ApiTokens),
        ),
        &name,
        &role,
    )
    .await?;
    let (sealed, pad) = new_token::seal(created);
    context::session()
        .await?
        .insert(new_token::SESSION_KEY, sealed)
        .await
        .map_err(internal)?;
    set_cookie(&new_token::pad_cookie(&pad, access.state.settings.https));
    Ok(())
}

/// Adds a `Set-Cookie` header to this server function's answer.
#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::api_tokens, web::context};
    let access = context::require(Permission::ManageSettings).await?;
    api_tokens::revoke(&access.ctx.db, &access.actor(), id).await
}
