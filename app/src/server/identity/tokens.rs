//! Single-use tokens: random, shown to the user once, stored only as a
//! SHA-256 digest, consumed atomically.

use crate::server::entities::control::one_time_tokens;
use crate::server::secret::random_hex;
use crate::server::time::now_unix;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

pub use crate::server::entities::control::one_time_tokens::Purpose;
/// A handoff is a redirect: it is used within a second or two, or never.
pub const HANDOFF_TTL_SECS: i64 = 60;

pub use crate::server::secret::digest;

/// A link's token as it arrives, in the query of the link or in the body
/// of the form a page posts it back with (`?token=…`, `token=…`).
#[derive(serde::Deserialize)]
pub struct LinkToken {
    token: Option<String>,
}

impl LinkToken {
    /// The token's text, or `None` when it is missing or longer than any
    /// token this module issues (such a link can only have expired).
    pub fn text(self) -> Option<String> {
        self.token.filter(|t| !t.is_empty() && t.len() <= 128)
    }
}

/// Creates a token for `purpose` and returns its clear text, which exists
/// nowhere else from now on.
pub async fn issue(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    user_id: i64,
    tenant_id: Option<i64>,
    ttl_secs: i64,
) -> Result<String, DbErr> {
    let token = random_hex(32);
    one_time_tokens::Entity::insert(one_time_tokens::ActiveModel {
        token_hash: Set(digest(&token)),
        purpose: Set(purpose),
        user_id: Set(user_id),
        tenant_id: Set(tenant_id),
        expires_at: Set(now_unix() + ttl_secs),
        used_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(token)
}

/// Whether `token` could be consumed now (unused, unexpired, for this
/// purpose and tenant), without consuming it: a cheap look before costly
/// work that only makes sense with a good token.
pub async fn usable(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
    tenant_id: Option<i64>,
) -> Result<bool, DbErr> {
    Ok(holder(db, token, purpose, tenant_id).await?.is_some())
}

/// The user `token` was issued to, if it could be consumed now; it is not
/// consumed.
pub async fn holder(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
    tenant_id: Option<i64>,
) -> Result<Option<i64>, DbErr> {
    Ok(one_time_tokens::Entity::find()
        .filter(usable_now(&digest(token), purpose, tenant_id))
        .one(db)
        .await?
        .map(|t| t.user_id))
}

/// Consumes a token: succeeds at most once, only before it expires, and only
/// for the given purpose and tenant. Returns the user it was issued to.
pub async fn consume(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
    tenant_id: Option<i64>,
) -> Result<Option<i64>, DbErr> {
    let hash = digest(token);
    // The conditional UPDATE is the single point of truth: of two concurrent
    // attempts, exactly one sees a row affected.
    let updated = one_time_tokens::Entity::update_many()
        .col_expr(one_time_tokens::Column::UsedAt, Expr::value(now_unix()))
        .filter(usable_now(&hash, purpose, tenant_id))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(None);
    }
    let token = one_time_tokens::Entity::find()
        .filter(one_time_tokens::Column::TokenHash.eq(hash))
        .one(db)
        .await?;
    Ok(token.map(|t| t.user_id))
}

/// The token with digest `hash`, if it is unused, unexpired, and for this
/// purpose and tenant.
fn usable_now(hash: &str, purpose: Purpose, tenant_id: Option<i64>) -> Condition {
    let tenant_scope = match tenant_id {
        Some(id) => one_time_tokens::Column::TenantId.eq(id),
        None => one_time_tokens::Column::TenantId.is_null(),
    };
    Condition::all()
        .add(one_time_tokens::Column::TokenHash.eq(hash))
        .add(one_time_tokens::Column::Purpose.eq(purpose))
        .add(one_time_tokens::Column::UsedAt.is_null())
        .add(one_time_tokens::Column::ExpiresAt.gt(now_unix()))
        .add(tenant_scope)
}
