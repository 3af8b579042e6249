//! Tenant records in the control plane: their statuses, and the queries that
//! find them. The lifecycle that changes them is in [`crate::lifecycle`].

use crate::{
    db::now_unix,
    entities::{former_subdomains, tenants},
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Where a tenant is in its life; stored as [`TenantStatus::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantStatus {
    Provisioning,
    Active,
    Suspended,
    Deleted,
}

impl TenantStatus {
    /// Unknown text (written by a newer version) is treated as not servable.
    pub fn parse(text: &str) -> Self {
        match text {
            "active" => TenantStatus::Active,
            "suspended" => TenantStatus::Suspended,
            "provisioning" => TenantStatus::Provisioning,
            _ => TenantStatus::Deleted,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Provisioning => "provisioning",
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
            TenantStatus::Deleted => "deleted",
        }
    }
}

impl tenants::Model {
    /// The tenant's status (the column holds its text).
    pub fn status(&self) -> TenantStatus {
        TenantStatus::parse(&self.status)
    }
}

/// A sign-up under way marks its `provisioning` row as alive this often
/// (`status_changed_at`), however long its database takes to clone.
pub const PROVISIONING_HEARTBEAT_SECS: u64 = 3;

/// A `provisioning` row not marked alive for this long belongs to a sign-up
/// that crashed: five heartbeats missed. Short, so that whoever retries a
/// sign-up the server died in gets the subdomain back within seconds.
pub const STALE_PROVISIONING_SECS: i64 = 15;

/// Whether `tenant` is a sign-up that crashed mid-provisioning: its
/// subdomain is free again (sign-up cleans it up when someone wants it).
pub fn is_abandoned(tenant: &tenants::Model, now: i64) -> bool {
    tenant.status() == TenantStatus::Provisioning
        && now - tenant.status_changed_at.unwrap_or(tenant.created_at) >= STALE_PROVISIONING_SECS
}

/// Whether a tenant holds `slug`, in any state but an abandoned sign-up,
/// or left it too recently for anyone else to take it.
pub async fn slug_taken(db: &impl ConnectionTrait, slug: &str) -> Result<bool, DbErr> {
    let now = now_unix();
    if find_by_slug(db, slug)
        .await?
        .is_some_and(|t| !is_abandoned(&t, now))
    {
        return Ok(true);
    }
    Ok(former_holder(db, slug, now).await?.is_some())
}

/// The tenant that left `slug` less than its hold ago (see
/// `former_subdomains`): the subdomain still leads to it, and nobody else
/// may take it.
pub async fn former_holder(
    db: &impl ConnectionTrait,
    slug: &str,
    now: i64,
) -> Result<Option<i64>, DbErr> {
    Ok(former_subdomains::Entity::find_by_id(slug.to_owned())
        .filter(former_subdomains::Column::HeldUntil.gt(now))
        .one(db)
        .await?
        .map(|former| former.tenant_id))
}

/// The subdomains `tenant_id` left and still holds, the newest first.
pub async fn former_subdomains(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    now: i64,
) -> Result<Vec<former_subdomains::Model>, DbErr> {
    former_subdomains::Entity::find()
        .filter(former_subdomains::Column::TenantId.eq(tenant_id))
        .filter(former_subdomains::Column::HeldUntil.gt(now))
        .order_by_desc(former_subdomains::Column::LeftAt)
        .all(db)
        .await
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<tenants::Model>, DbErr> {
    tenants::Entity::find()
        .filter(tenants::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// The tenant a request to `slug`'s host is for: the one at `slug`, else
/// the one that left it and still holds it ([`former_holder`]; its record
/// names the subdomain it has now).
///
/// A key with a dot is a custom domain: the tenant verified for it
/// ([`crate::domains::serving`]).
pub async fn find_by_host(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<tenants::Model>, DbErr> {
    if crate::domains::is_domain(slug) {
        return crate::domains::serving(db, slug).await;
    }
    if let Some(tenant) = find_by_slug(db, slug).await? {
        return Ok(Some(tenant));
    }
    let Some(tenant_id) = former_holder(db, slug, now_unix()).await? else {
        return Ok(None);
    };
    tenants::Entity::find_by_id(tenant_id).one(db).await
}

/// Every tenant, by slug.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<tenants::Model>, DbErr> {
    tenants::Entity::find()
        .order_by_asc(tenants::Column::Slug)
        .all(db)
        .await
}

/// At most `limit` active tenants whose weekly summary is due at `now`:
/// last sent (or, never sent, signed up) `every` seconds ago or more, the
/// longest waiting first.
pub async fn digests_due(
    db: &impl ConnectionTrait,
    now: i64,
    every: i64,
    limit: u64,
) -> Result<Vec<tenants::Model>, DbErr> {
    use sea_orm::{
        sea_query::{Expr, ExprTrait, Func},
        QuerySelect,
    };
    let last = Func::coalesce([
        Expr::col(tenants::Column::DigestSentAt),
        Expr::col(tenants::Column::CreatedAt),
    ]);
    tenants::Entity::find()
        .filter(tenants::Column::Status.eq(TenantStatus::Active.as_str()))
        .filter(Expr::expr(last.clone()).lte(now - every))
        .order_by_asc(Expr::expr(last))
        .limit(limit)
        .all(db)
        .await
}

/// Records that `tenant_id`'s weekly summary went out at `now`.
pub async fn digest_sent(db: &impl ConnectionTrait, tenant_id: i64, now: i64) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    tenants::Entity::update_many()
        .col_expr(tenants::Column::DigestSentAt, Expr::value(now))
        .filter(tenants::Column::Id.eq(tenant_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Locks tenant `tenant_id`'s row until the surrounding transaction ends
/// (a row lock on PostgreSQL, the write lock on SQLite): the changes of one
/// organization that count before they write (members, seats, custom
/// domains) take turns, so a count read after it stays true until commit.
pub async fn lock(db: &impl ConnectionTrait, tenant_id: i64) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    tenants::Entity::update_many()
        .col_expr(tenants::Column::Id, Expr::col(tenants::Column::Id))
        .filter(tenants::Column::Id.eq(tenant_id))
        .exec(db)
        .await
        .map(|_| ())
}
