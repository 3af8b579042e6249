//! Custom domains in the control plane: which organization claims a host
//! of its own, which one serves it (verified), and the record of each
//! check. Whether the DNS is right is the application's to find out; this
//! module keeps what it found and settles races in the database.
//!
//! A host is served by at most one tenant: many may claim it, each with its
//! own token, and the first whose DNS proves it gets it (a unique index on
//! verified hosts). The directory finds tenants by a verified host
//! ([`serving`]); hosts never collide with subdomains there, since a
//! subdomain has no dot and a custom domain always has one ([`is_domain`]).

use crate::entities::{custom_domains, tenants};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, SqlErr, TransactionSession, TransactionTrait,
};

/// Whether a directory key names a custom domain rather than a subdomain.
pub fn is_domain(key: &str) -> bool {
    key.contains('.')
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("the organization has added this domain already")]
    AlreadyAdded,
    #[error("the organization has {0} domains already")]
    TooMany(u64),
    /// Verified for another organization: it serves the host until its own
    /// check finds the DNS moved.
    #[error("another organization serves this domain")]
    ServedByAnother,
    #[error("the domain is not the organization's")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The tenant that serves `host`, verified, in whatever state.
pub async fn serving(
    db: &impl ConnectionTrait,
    host: &str,
) -> Result<Option<tenants::Model>, DbErr> {
    let Some(domain) = custom_domains::Entity::find()
        .filter(custom_domains::Column::Host.eq(host))
        .filter(custom_domains::Column::VerifiedAt.is_not_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    tenants::Entity::find_by_id(domain.tenant_id).one(db).await
}

/// The domains `tenant_id` has added, the oldest first.
pub async fn of_tenant(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> Result<Vec<custom_domains::Model>, DbErr> {
    custom_domains::Entity::find()
        .filter(custom_domains::Column::TenantId.eq(tenant_id))
        .order_by_asc(custom_domains::Column::CreatedAt)
        .order_by_asc(custom_domains::Column::Host)
        .all(db)
        .await
}

/// One of `tenant_id`'s domains.
pub async fn find(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    host: &str,
) -> Result<Option<custom_domains::Model>, DbErr> {
    custom_domains::Entity::find_by_id((tenant_id, host.to_owned()))
        .one(db)
        .await
}

/// `tenant_id` claims `host` (well-formed, checked by the caller), to be
/// proved by a TXT record holding `token`. Run it in a transaction with the
/// audit entry: the tenant's row is locked first (a row lock on PostgreSQL,
/// the write lock on SQLite), so the count and the insert are one decision
/// for every other add of the organization, and the primary key refuses the
/// same host twice whatever the race.
pub async fn add(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    host: &str,
    token: &str,
    now: i64,
    at_most: u64,
) -> Result<(), DomainError> {
    crate::catalog::lock(db, tenant_id).await?;
    let held = custom_domains::Entity::find()
        .filter(custom_domains::Column::TenantId.eq(tenant_id))
        .count(db)
        .await?;
    if held >= at_most {
        return Err(DomainError::TooMany(held));
    }
    let inserted = custom_domains::Entity::insert(custom_domains::ActiveModel {
        tenant_id: Set(tenant_id),
        host: Set(host.to_owned()),
        token: Set(token.to_owned()),
        created_at: Set(now),
        verified_at: Set(None),
        checked_at: Set(None),
        problem: Set(None),
    })
    .exec(db)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(DomainError::AlreadyAdded)
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes one of `tenant_id`'s domains; whether it was served.
pub async fn remove(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    host: &str,
) -> Result<bool, DomainError> {
    let domain = find(db, tenant_id, host)
        .await?
        .ok_or(DomainError::NotFound)?;
    custom_domains::Entity::delete_by_id((tenant_id, host.to_owned()))
        .exec(db)
        .await?;
    Ok(domain.verified_at.is_some())
}

/// What a check found: the DNS proves the claim, disproves it (the records
/// are missing or point elsewhere: a served domain stops being served), or
/// could not be read (nothing changes but the problem shown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finding {
    Proved,
    Disproved,
    Unknown,
}

/// Records a check of `tenant_id`'s `host`: when, what was wrong (`None`:
/// nothing) and what it means for serving. Whether it is served now.
///
/// In a transaction, the change is made in a savepoint of its own, so that
/// a refusal leaves the transaction usable (PostgreSQL aborts a
/// transaction at its first error).
///
/// # Errors
/// [`DomainError::ServedByAnother`] when the DNS proves the claim but
/// another organization is verified for the host (the check is recorded
/// with [`SERVED_BY_ANOTHER`] as its problem); [`DomainError::NotFound`]
/// when the domain was removed meanwhile.
pub async fn record_check<C>(
    db: &C,
    tenant_id: i64,
    host: &str,
    finding: Finding,
    problem: Option<&str>,
    now: i64,
) -> Result<bool, DomainError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let this = || {
        Condition::all()
            .add(custom_domains::Column::TenantId.eq(tenant_id))
            .add(custom_domains::Column::Host.eq(host))
    };
    let checked = |problem: Option<&str>| {
        custom_domains::Entity::update_many()
            .col_expr(custom_domains::Column::CheckedAt, Expr::value(now))
            .col_expr(
                custom_domains::Column::Problem,
                Expr::value(problem.map(str::to_owned)),
            )
            .filter(this())
    };
    let update = match finding {
        // Verified since the first check that proved it.
        Finding::Proved => checked(problem).col_expr(
            custom_domains::Column::VerifiedAt,
            Expr::col(custom_domains::Column::VerifiedAt).if_null(now),
        ),
        Finding::Disproved => checked(problem).col_expr(
            custom_domains::Column::VerifiedAt,
            Expr::value(Option::<i64>::None),
        ),
        Finding::Unknown => checked(problem),
    };
    let attempt = db.begin().await?;
    match update.exec(&attempt).await {
        Ok(done) if done.rows_affected == 1 => attempt.commit().await?,
        Ok(_) => return Err(DomainError::NotFound),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            attempt.rollback().await?;
            checked(Some(SERVED_BY_ANOTHER)).exec(db).await?;
            return Err(DomainError::ServedByAnother);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(find(db, tenant_id, host)
        .await?
        .is_some_and(|d| d.verified_at.is_some()))
}

/// The problem recorded when another organization serves the host.
pub const SERVED_BY_ANOTHER: &str = "Another organization on Tenantry serves this domain. It \
    stops when its own check finds the records pointing here; check again then.";

/// The organization that serves `host`, other than `tenant_id`.
pub async fn other_holder(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    host: &str,
) -> Result<Option<custom_domains::Model>, DbErr> {
    custom_domains::Entity::find()
        .filter(custom_domains::Column::Host.eq(host))
        .filter(custom_domains::Column::VerifiedAt.is_not_null())
        .filter(custom_domains::Column::TenantId.ne(tenant_id))
        .one(db)
        .await
}

/// When domains are checked again by themselves.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// A served domain, so that one whose DNS moved away stops being
    /// served (no dangling domain for someone else to take over).
    pub verified_every: i64,
    /// A domain still waiting for its records.
    pub pending_every: i64,
    /// How long after it was added a pending domain is still checked by
    /// itself (the owner can always ask).
    pub pending_for: i64,
}

/// At most `limit` domains due for a check at `now`, the longest unchecked
/// first, each with its tenant's slug.
pub async fn due(
    db: &impl ConnectionTrait,
    now: i64,
    schedule: Schedule,
    limit: u64,
) -> Result<Vec<(custom_domains::Model, String)>, DbErr> {
    use custom_domains::Column as C;
    let never_or_before = |secs: i64| {
        Condition::any()
            .add(C::CheckedAt.is_null())
            .add(C::CheckedAt.lte(now - secs))
    };
    let verified = Condition::all()
        .add(C::VerifiedAt.is_not_null())
        .add(never_or_before(schedule.verified_every));
    let pending = Condition::all()
        .add(C::VerifiedAt.is_null())
        .add(C::CreatedAt.gt(now - schedule.pending_for))
        .add(never_or_before(schedule.pending_every));
    let domains = custom_domains::Entity::find()
        .filter(Condition::any().add(verified).add(pending))
        .order_by_asc(C::CheckedAt)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = domains.iter().map(|d| d.tenant_id).collect();
    let slugs: std::collections::HashMap<i64, String> = tenants::Entity::find()
        .filter(tenants::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.slug))
        .collect();
    Ok(domains
        .into_iter()
        .filter_map(|d| slugs.get(&d.tenant_id).cloned().map(|slug| (d, slug)))
        .collect())
}
