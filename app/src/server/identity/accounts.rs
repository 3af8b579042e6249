//! Logging in, and the organizations a user belongs to.

use crate::model::account::normalize_email;
use crate::model::{
    auth::{Organization, MENU_ORGANIZATIONS},
    AppError, FieldErrors, Role,
};
use crate::server::{
    entities::control::{memberships, users},
    error::internal,
    identity::{
        authority::AccountFacts,
        password::{verify_password, UNKNOWN_ACCOUNT_HASH},
        tokens,
    },
    rate_limit::Limits,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::net::IpAddr;
use tenancy::{
    catalog::{find_by_slug, TenantStatus},
    entities::tenants,
};

/// Said for an unknown email and for a wrong password alike.
pub const BAD_CREDENTIALS: &str = "That email and password do not match an account.";

/// Checks an email and password, under the log-in rate limits.
///
/// An unknown email costs the same argon2 work as a wrong password and
/// gets the same answer, so neither the page nor its timing tells whether
/// an account exists.
///
/// # Errors
/// `Validation` for an empty field or wrong credentials (the email echoed,
/// never the password); `RateLimited` when this address or this account
/// has failed too often lately; `Internal` when the database fails.
pub async fn check_credentials(
    control: &impl ConnectionTrait,
    limits: &Limits,
    ip: IpAddr,
    email: &str,
    password: &str,
) -> Result<users::Model, AppError> {
    let email = normalize_email(email);
    let mut errors = FieldErrors::default().echo("email", &email);
    if email.is_empty() {
        errors.add("email", "Enter your email address.");
    }
    if password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    errors.clone().into_result()?;

    let user = user_by_email(control, &email).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    // Always checked, an unknown email included: the same work, the same
    // count against the limits.
    let matches = verify_limited(limits, ip, &email, password, stored).await?;
    match user {
        Some(user) if matches => Ok(user),
        _ => {
            errors.add("form", BAD_CREDENTIALS);
            Err(AppError::Validation(errors))
        }
    }
}

/// Checks `password` against an account's stored hash (`None`: no such
/// account, checked against [`UNKNOWN_ACCOUNT_HASH`] for the same work),
/// under the log-in rate limits: every door that answers "is this the
/// password of that email?" goes through here.
///
/// # Errors
/// `RateLimited` when this address or this account has failed too often
/// lately, `Busy` when the server has too many password checks under way
/// (nothing is checked then, nor counted).
pub async fn verify_limited(
    limits: &Limits,
    ip: IpAddr,
    email: &str,
    password: &str,
    stored_hash: Option<String>,
) -> Result<bool, AppError> {
    // Counted before the hash: attempts sent together cannot all pass.
    let attempt = limits.take_login(ip, email)?;
    let known = stored_hash.is_some();
    let hash = stored_hash.unwrap_or_else(|| UNKNOWN_ACCOUNT_HASH.to_owned());
    let matches = match verify_password(&limits.cpu, password.to_owned(), hash).await {
        Ok(matches) => matches,
        Err(e) => {
            // Not checked (the server was busy): the attempt does not count.
            attempt.unchecked(limits);
            return Err(e);
        }
    };
    if known && matches {
        attempt.succeeded(limits);
        Ok(true)
    } else {
        Ok(false)
    }
}

/// The account with id `user_id`, if it exists.
pub async fn user(
    control: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<users::Model>, AppError> {
    users::Entity::find_by_id(user_id)
        .one(control)
        .await
        .map_err(internal)
}

/// The account with `email` (normalized), if it exists.
pub async fn user_by_email(
    control: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<users::Model>, AppError> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(control)
        .await
        .map_err(internal)
}

/// A handoff token that signs `user_id` in on `slug`'s host.
///
/// # Errors
/// `NotFound` when there is no such organization or the user is not one of
/// its members: the two are not told apart.
pub async fn handoff_to(
    control: &impl ConnectionTrait,
    user_id: i64,
    slug: &str,
) -> Result<String, AppError> {
    let tenant = find_by_slug(control, slug.trim())
        .await
        .map_err(internal)?
        .filter(|t| t.status() != TenantStatus::Deleted)
        .ok_or(AppError::NotFound)?;
    role_in(control, user_id, tenant.id)
        .await?
        .ok_or(AppError::NotFound)?;
    tokens::issue(
        control,
        tokens::Purpose::Handoff,
        user_id,
        Some(tenant.id),
        tokens::HANDOFF_TTL_SECS,
    )
    .await
    .map_err(internal)
}

/// What an API token made by `user_id` at `created_at` may still do in
/// `tenant_id`: its creator's role there now, or `None` once they have
/// left, or ended every credential (a password reset, "log out
/// everywhere") since the token was made. One query, on every API call.
pub async fn token_creator_role(
    control: &impl ConnectionTrait,
    user_id: i64,
    tenant_id: i64,
    created_at: i64,
) -> Result<Option<Role>, AppError> {
    let found = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::TenantId.eq(tenant_id))
        .find_also_related(users::Entity)
        .one(control)
        .await
        .map_err(internal)?;
    Ok(found.and_then(|(membership, user)| {
        // A token made in the same second as the sign-out ends with it.
        let ended = user?.signed_out_at.is_some_and(|at| created_at <= at);
        (!ended).then_some(membership.role)
    }))
}

/// `user_id`'s role in `tenant_id`, if a member.
pub async fn role_in(
    control: &impl ConnectionTrait,
    user_id: i64,
    tenant_id: i64,
) -> Result<Option<Role>, AppError> {
    let membership = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::TenantId.eq(tenant_id))
        .one(control)
        .await
        .map_err(internal)?;
    Ok(membership.map(|m| m.role))
}

/// The organizations `user_id` belongs to, by name; deleted ones are left
/// out.
pub async fn organizations_of(
    control: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<Organization>, AppError> {
    organizations(control, user_id, None).await
}

fn memberships_of(user_id: i64) -> sea_orm::SelectTwo<memberships::Entity, tenants::Entity> {
    memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .find_also_related(tenants::Entity)
        .filter(tenants::Column::Status.ne(TenantStatus::Deleted.as_str()))
}

/// The first `limit` (all with `None`) of [`organizations_of`].
async fn organizations(
    control: &impl ConnectionTrait,
    user_id: i64,
    limit: Option<u64>,
) -> Result<Vec<Organization>, AppError> {
    let rows = memberships_of(user_id)
        .order_by_asc(tenants::Column::Name)
        .order_by_asc(tenants::Column::Id)
        .limit(limit)
        .all(control)
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .filter_map(|(membership, tenant)| {
            let tenant = tenant?;
            Some(Organization {
                slug: tenant.slug,
                name: tenant.name,
                role: membership.role,
                status: tenant.status,
            })
        })
        .collect())
}

/// What the account menu shows of `user_id`: their address, their first
/// organizations by name (one more than the menu lists, since one of them
/// may be the page's own) and how many they have, or `Unauthorized` when
/// the account is gone.
pub async fn menu_facts(
    control: &impl ConnectionTrait,
    user_id: i64,
) -> Result<AccountFacts, AppError> {
    let user = user(control, user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let first = MENU_ORGANIZATIONS + 1;
    let organizations = organizations(control, user_id, Some(first)).await?;
    let total = if organizations.len() as u64 == first {
        memberships_of(user_id)
            .count(control)
            .await
            .map_err(internal)?
    } else {
        organizations.len() as u64
    };
    Ok(AccountFacts {
        email: user.email,
        organizations,
        total,
    })
}
