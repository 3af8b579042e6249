//! API tokens of one organization, in its own database: created and
//! revoked by its admins, shown once, stored as a SHA-256 digest, acting
//! with the role chosen when created (never owner). The REST API caps that
//! role at its creator's current one on every request, and refuses the
//! token once its creator has left.

use crate::model::{
    api_tokens::{ApiToken, CreatedToken, MAX_TOKEN_NAME_LEN},
    check_name,
    plans::Cap,
    AppError, FieldErrors, Role,
};
use crate::server::{
    entities::tenant::api_tokens,
    error::tenant_db,
    org::{
        audit::{self, Action, Actor, Change},
        mapping::assignments::begin,
        quota,
    },
    secret::{digest, random_hex},
    time::{now_unix, Local},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};

/// What every token starts with, so that a leaked one is recognizable.
pub const TOKEN_PREFIX: &str = "tnt_";
/// `last_used_at` is written at most this often per token.
const TOUCH_EVERY_SECS: i64 = 60;

fn view(model: api_tokens::Model, local: &Local) -> ApiToken {
    ApiToken {
        id: model.id,
        name: model.name,
        prefix: model.prefix,
        role: model.role,
        created_by: model.created_by_email,
        created: local.datetime(model.created_at),
        last_used: model.last_used_at.map(|at| local.datetime(at)),
    }
}

/// The tokens not revoked, newest first, their times in `local`.
pub async fn list(db: &impl ConnectionTrait, local: &Local) -> Result<Vec<ApiToken>, DbErr> {
    Ok(api_tokens::Entity::find()
        .filter(api_tokens::Column::RevokedAt.is_null())
        .order_by_desc(api_tokens::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|model| view(model, local))
        .collect())
}

/// Creates a token named `name` acting as `role`, by `actor` whose own
/// role is `actor_role`.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    (actor_role, cap): (Role, &Cap),
    name: &str,
    role: &str,
) -> Result<CreatedToken, AppError> {
    let name = name.trim();
    let mut errors = FieldErrors::default().echo("name", name);
    if let Err(message) = check_name(
        name,
        MAX_TOKEN_NAME_LEN,
        "Name the token after what will use it, like CI.",
    ) {
        errors.add("name", message);
    }
    let role = Role::parse(role.trim()).filter(|r| *r != Role::Owner);
    match role {
        None => errors.add("role", "Choose admin, member or viewer."),
        Some(role) if !actor_role.may_assign(role) => {
            errors.add("role", "A token cannot have more rights than you.")
        }
        Some(_) => {}
    }
    errors.into_result()?;
    let role = role.unwrap_or(Role::Viewer);

    let secret = format!("{TOKEN_PREFIX}{}", random_hex(24));
    let txn = begin(db).await?;
    let active = api_tokens::Entity::find().filter(api_tokens::Column::RevokedAt.is_null());
    quota::check(&txn, cap, active, "name")
        .await
        .map_err(|e| e.echoing("name", name))?;
    let model = api_tokens::Entity::insert(api_tokens::ActiveModel {
        name: Set(name.to_owned()),
        prefix: Set(secret.chars().take(10).collect()),
        digest: Set(digest(&secret)),
        role: Set(role),
        created_by: Set(actor.user_id),
        created_by_email: Set(actor.email.clone()),
        created_at: Set(now_unix()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(tenant_db)?;
    let change = Change {
        action: Action::ApiTokenCreate,
        target: format!("API token \"{name}\""),
        before: None,
        after: Some(role.as_str().to_owned()),
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)?;
    Ok(CreatedToken {
        // In UTC: the page shows only its name and secret, and reads the
        // list again for the rest.
        token: view(model, &Local::utc()),
        secret,
    })
}

/// Revokes the token `id`: it stops working at once.
pub async fn revoke(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let txn = db.begin().await.map_err(tenant_db)?;
    let token = api_tokens::Entity::find_by_id(id)
        .filter(api_tokens::Column::RevokedAt.is_null())
        .one(&txn)
        .await
        .map_err(tenant_db)?
        .ok_or(AppError::NotFound)?;
    api_tokens::Entity::update(api_tokens::ActiveModel {
        id: Set(id),
        revoked_at: Set(Some(now_unix())),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(tenant_db)?;
    let change = Change {
        action: Action::ApiTokenRevoke,
        target: format!("API token \"{}\"", token.name),
        before: Some(token.role.as_str().to_owned()),
        after: None,
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)
}

/// The token whose secret is `secret`, if it is one of this organization's
/// and not revoked; its last use is recorded.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<api_tokens::Model>, DbErr> {
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 128 {
        return Ok(None);
    }
    let Some(token) = api_tokens::Entity::find()
        .filter(api_tokens::Column::Digest.eq(digest(secret)))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = now_unix();
    if token
        .last_used_at
        .is_none_or(|at| now - at >= TOUCH_EVERY_SECS)
    {
        api_tokens::Entity::update(api_tokens::ActiveModel {
            id: Set(token.id),
            last_used_at: Set(Some(now)),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    Ok(Some(token))
}
