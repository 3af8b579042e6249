//! Sign-up: a new organization, its owner, and its own database.
//!
//! Every check that can fail on the user's input runs before anything is
//! written. Then provisioning is a state machine recorded on the tenant row:
//!
//! 1. `reserved`: the row is inserted as `provisioning` with the server and
//!    database name chosen up front (its unique slug index settles concurrent
//!    sign-ups for the same subdomain: exactly one wins);
//! 2. `database`: the database is cloned from the server's template (or
//!    claimed from its warm pool) and seeded;
//! 3. one transaction adds the owner and membership, marks the tenant
//!    active and writes the platform audit entry.
//!
//! An error at any step drops the database and removes the row, so the
//! subdomain can be retried at once. A crash leaves a `provisioning` row that
//! names everything made so far; [`recover_stale`] (run at start-up, every
//! minute, and by a sign-up that wants the same subdomain) removes it.

use super::auth::verify_limited;
use super::tenants::{find_by_slug, is_abandoned, STATUS_ACTIVE, STATUS_PROVISIONING};
use super::{platform_audit, servers};
use crate::model::{slug::validate_slug, AppError, FieldErrors};
use crate::server::{
    directory::{announce_change, TenantDirectory},
    entities::{
        control::{memberships, tenants, users},
        tenant::settings,
    },
    error::internal,
    password::{hash_password, PasswordHashString},
    provisioning,
    rate_limit::Limits,
    registry::{RegistryError, TenantRegistry},
    time::now_unix,
    tokens,
};
use migration::TenantMigrator;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    SqlErr, TransactionTrait,
};
use std::net::IpAddr;

pub use super::tenants::STALE_PROVISIONING_SECS;
/// The tenant setting that holds the organization's display name.
pub const SETTING_ORGANIZATION_NAME: &str = "organization_name";
pub const STEP_RESERVED: &str = "reserved";
pub const STEP_DATABASE: &str = "database";

pub const MAX_ORG_NAME_LEN: usize = 120;
pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 256;
pub const MAX_EMAIL_LEN: usize = 254;

pub struct SignUpInput {
    pub org_name: String,
    pub subdomain: String,
    pub email: String,
    pub password: String,
}

pub struct SignedUp {
    pub slug: String,
    /// Single-use token the tenant host exchanges for a session.
    pub handoff_token: String,
    pub owner_id: i64,
}

/// Why `name` (trimmed) cannot name an organization, if it cannot.
pub fn check_org_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        Err("Enter your organization's name.".to_owned())
    } else if name.chars().count() > MAX_ORG_NAME_LEN {
        Err(format!("Use at most {MAX_ORG_NAME_LEN} characters."))
    } else if name.chars().any(char::is_control) {
        Err("Remove control characters from the name.".to_owned())
    } else {
        Ok(())
    }
}

/// Field-level checks that need no database.
pub fn validate(input: &SignUpInput) -> FieldErrors {
    let org_name = input.org_name.trim();
    let slug = input.subdomain.trim();
    let email = normalize_email(&input.email);
    let mut errors = FieldErrors::default()
        .echo("org_name", org_name)
        .echo("subdomain", slug)
        .echo("email", &email);

    if let Err(message) = check_org_name(org_name) {
        errors.add("org_name", message);
    }
    if let Err(e) = validate_slug(slug) {
        errors.add("subdomain", e.to_string());
    }
    if let Err(message) = check_email(&email) {
        errors.add("email", message);
    }
    if let Err(message) = check_password(&input.password) {
        errors.add("password", message);
    }
    errors
}

/// The rule every new password follows.
pub fn check_password(password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        Err(format!("Use at least {MIN_PASSWORD_LEN} characters."))
    } else if len > MAX_PASSWORD_LEN {
        Err(format!("Use at most {MAX_PASSWORD_LEN} characters."))
    } else {
        Ok(())
    }
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whether `email` (normalized) looks deliverable.
pub fn check_email(email: &str) -> Result<(), &'static str> {
    if email.is_empty() {
        return Err("Enter your email address.");
    }
    if email.len() > MAX_EMAIL_LEN {
        return Err("This email address is too long.");
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err("Enter an email address like name@example.com.")
    }
}

/// Signs up a new organization.
///
/// # Errors
/// `Validation` with field errors (nothing created) for bad input, a taken or
/// reserved subdomain, or an existing account whose password does not match;
/// `Internal` when a database fails (anything half-made is removed).
#[tracing::instrument(skip_all, fields(slug = %input.subdomain.trim()))]
pub async fn sign_up(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    (limits, ip): (&Limits, IpAddr),
    input: SignUpInput,
) -> Result<SignedUp, AppError> {
    let mut errors = validate(&input);
    let slug = input.subdomain.trim().to_owned();
    let email = normalize_email(&input.email);
    let org_name = input.org_name.trim().to_owned();

    if errors.get("subdomain").is_none() && slug_held(control, registry, &slug).await? {
        errors.add("subdomain", "This subdomain is taken.");
    }
    errors.clone().into_result()?;

    // An existing account may add an organization, with its own password,
    // checked under the log-in rate limits (this form must not become a way
    // around them).
    let existing = super::auth::user_by_email(control, &email).await?;
    let owner = match existing {
        Some(user) => {
            let hash = Some(user.password_hash.clone());
            if !verify_limited(limits, ip, &email, &input.password, hash).await? {
                errors.add(
                    "email",
                    "An account with this email already exists. Enter its password to add this organization to it.",
                );
                return Err(AppError::Validation(errors));
            }
            Owner::Existing(user.id)
        }
        None => Owner::New {
            email,
            password_hash: hash_password(input.password).await.map_err(internal)?,
        },
    };

    let provisioned = match provision(control, registry, directory, &slug, &org_name, owner).await {
        Ok(provisioned) => provisioned,
        Err(ProvisionError::SlugTaken) => {
            errors.add("subdomain", "This subdomain is taken.");
            return Err(AppError::Validation(errors));
        }
        Err(ProvisionError::EmailTaken) => {
            // The same email signed up concurrently: let them retry.
            errors.add(
                "email",
                "An account with this email was just created. Please try again.",
            );
            return Err(AppError::Validation(errors));
        }
        Err(ProvisionError::Failed(cause)) => return Err(internal(cause)),
    };
    let token = tokens::issue(
        control,
        tokens::HANDOFF,
        provisioned.owner_id,
        Some(provisioned.tenant.id),
        tokens::HANDOFF_TTL_SECS,
    )
    .await
    .map_err(internal)?;
    Ok(SignedUp {
        slug,
        handoff_token: token,
        owner_id: provisioned.owner_id,
    })
}

/// A tenant that went live, and its owner.
pub struct Provisioned {
    pub tenant: tenants::Model,
    pub owner_id: i64,
    /// Whether its database came from the warm pool.
    pub warm: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("the subdomain is taken")]
    SlugTaken,
    #[error("an account with this email was just created")]
    EmailTaken,
    /// Anything half-made was removed; the cause is for the log.
    #[error("provisioning failed: {0}")]
    Failed(String),
}

/// Provisions a new tenant at `slug` (already validated) for `owner`: the
/// recorded state machine described at the top of this module.
///
/// # Errors
/// `SlugTaken` when another tenant holds the slug (a concurrent sign-up);
/// `EmailTaken` when a new owner's email was registered meanwhile;
/// `Failed` for anything else, after removing what was made.
#[tracing::instrument(skip(control, registry, directory, owner))]
pub async fn provision(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    slug: &str,
    org_name: &str,
    owner: Owner,
) -> Result<Provisioned, ProvisionError> {
    let failed =
        |what: &str, e: &dyn std::fmt::Display| ProvisionError::Failed(format!("{what}: {e}"));

    // Step 1: reserve the subdomain, naming the database before it exists.
    let now = now_unix();
    let server = servers::place(control)
        .await
        .map_err(|e| failed("placing the tenant", &e))?;
    let server = registry
        .server(server.id)
        .await
        .map_err(|e| failed("placing the tenant", &e))?;
    let location = provisioning::new_location(&server, &registry.settings().name_prefix, slug);
    let tenant = tenants::ActiveModel {
        slug: Set(slug.to_owned()),
        name: Set(org_name.to_owned()),
        status: Set(STATUS_PROVISIONING.to_owned()),
        database_location: Set(location.clone()),
        database_server_id: Set(Some(server.id)),
        provision_step: Set(Some(STEP_RESERVED.to_owned())),
        schema_version: Set(None),
        created_at: Set(now),
        status_changed_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(control)
    .await;
    let tenant = match tenant {
        Ok(tenant) => tenant,
        // Lost a race for the slug against a concurrent sign-up.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(ProvisionError::SlugTaken);
        }
        Err(e) => return Err(failed("reserving the subdomain", &e)),
    };

    // Step 2: the database, cloned and seeded. A failed CREATE DATABASE or
    // file copy leaves no database behind, so only the row goes then.
    let warm = match provisioning::create_database(control, registry, &server, &location).await {
        Ok(warm) => warm,
        Err(e) => {
            abandon(control, registry, &tenant, false).await;
            return Err(failed("creating the tenant database", &e));
        }
    };
    let seeded = async {
        let mut step: tenants::ActiveModel = tenant.clone().into();
        step.provision_step = Set(Some(STEP_DATABASE.to_owned()));
        step.update(control).await?;
        seed(registry, &tenant, org_name).await
    }
    .await;
    if let Err(e) = seeded {
        abandon(control, registry, &tenant, true).await;
        return Err(failed("seeding the tenant database", &e));
    }

    // Step 3: the owner, and the tenant goes live.
    match finish(control, &tenant, owner, now, warm).await {
        Ok(owner_id) => {
            directory.invalidate(slug);
            tracing::info!(tenant_id = tenant.id, server = %server.name, warm, "tenant provisioned");
            Ok(Provisioned {
                tenant,
                owner_id,
                warm,
            })
        }
        Err(e) => {
            abandon(control, registry, &tenant, true).await;
            if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                return Err(ProvisionError::EmailTaken);
            }
            Err(failed("activating the tenant", &e))
        }
    }
}

/// Whether `slug` belongs to a tenant. A sign-up that crashed long ago does
/// not count: it is cleaned up here and the subdomain is free again.
async fn slug_held(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    slug: &str,
) -> Result<bool, AppError> {
    let Some(tenant) = find_by_slug(control, slug).await.map_err(internal)? else {
        return Ok(false);
    };
    if !is_abandoned(&tenant, now_unix()) {
        return Ok(true);
    }
    clean_up(control, registry, &tenant, true)
        .await
        .map_err(internal)?;
    Ok(false)
}

/// Removes every sign-up that crashed mid-provisioning more than
/// [`STALE_PROVISIONING_SECS`] ago: its database, if one was made, and its
/// row. Returns how many it removed.
///
/// # Errors
/// When the control plane fails; a tenant that cannot be cleaned up now is
/// logged and left for the next run.
pub async fn recover_stale(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
) -> Result<usize, sea_orm::DbErr> {
    let now = now_unix();
    let stuck = tenants::Entity::find()
        .filter(tenants::Column::Status.eq(STATUS_PROVISIONING))
        .all(control)
        .await?;
    let mut removed = 0;
    for tenant in stuck.iter().filter(|t| is_abandoned(t, now)) {
        match clean_up(control, registry, tenant, true).await {
            Ok(()) => removed += 1,
            Err(e) => {
                tracing::error!(slug = %tenant.slug, error = %e, "could not clean up a crashed sign-up")
            }
        }
    }
    Ok(removed)
}

/// Drops what a failed sign-up made (when `drop_database`: the database may
/// exist), then its row (last, so a crash in between leaves a row that still
/// names what is left to clean).
async fn clean_up(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    tenant: &tenants::Model,
    drop_database: bool,
) -> Result<(), RegistryError> {
    if let (true, Some(server_id)) = (drop_database, tenant.database_server_id) {
        let server = registry.server(server_id).await?;
        registry.close_tenant(tenant.id).await;
        provisioning::drop_database(registry, &server, &tenant.database_location).await?;
    }
    // Only a row still provisioning: never a tenant that went live meanwhile.
    let deleted = tenants::Entity::delete_many()
        .filter(tenants::Column::Id.eq(tenant.id))
        .filter(tenants::Column::Status.eq(STATUS_PROVISIONING))
        .exec(control)
        .await?;
    if deleted.rows_affected == 0 {
        // Someone else (another instance's clean-up) got here first.
        return Ok(());
    }
    platform_audit::record(
        control,
        "system",
        "tenant.provisioning_abandoned",
        Some((tenant.id, &tenant.slug)),
        format!(
            "step {}",
            tenant.provision_step.as_deref().unwrap_or("unknown")
        ),
    )
    .await?;
    Ok(())
}

/// The tenant database's first rows: the organization's display name.
async fn seed(
    registry: &TenantRegistry,
    tenant: &tenants::Model,
    org_name: &str,
) -> Result<(), RegistryError> {
    let server_id = tenant
        .database_server_id
        .ok_or_else(|| sea_orm::DbErr::Custom("tenant has no database server".into()))?;
    let conn = registry
        .connection(tenant.id, server_id, &tenant.database_location)
        .await?;
    settings::ActiveModel {
        key: Set(SETTING_ORGANIZATION_NAME.to_owned()),
        value: Set(org_name.to_owned()),
        updated_at: Set(now_unix()),
    }
    .insert(&conn.db)
    .await?;
    Ok(())
}

/// Who owns a new tenant.
pub enum Owner {
    /// An existing account (its password already checked).
    Existing(i64),
    /// A new account, created in the same transaction as the membership.
    New {
        email: String,
        password_hash: PasswordHashString,
    },
}

/// Owner and activation in one transaction; returns the owner's user id.
async fn finish(
    control: &DatabaseConnection,
    tenant: &tenants::Model,
    owner: Owner,
    now: i64,
    warm: bool,
) -> Result<i64, sea_orm::DbErr> {
    let txn = control.begin().await?;
    let user_id = match owner {
        Owner::Existing(id) => id,
        Owner::New {
            email,
            password_hash,
        } => {
            users::ActiveModel {
                email: Set(email),
                password_hash: Set(password_hash.0),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    memberships::ActiveModel {
        user_id: Set(user_id),
        tenant_id: Set(tenant.id),
        role: Set("owner".to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut active: tenants::ActiveModel = tenant.clone().into();
    active.status = Set(STATUS_ACTIVE.to_owned());
    active.provision_step = Set(None);
    active.status_changed_at = Set(Some(now_unix()));
    active.schema_version = Set(Some(TenantMigrator::latest_version()));
    active.update(&txn).await?;
    let source = if warm { "warm pool" } else { "template" };
    platform_audit::record(
        &txn,
        &format!("user:{user_id}"),
        "tenant.signup",
        Some((tenant.id, &tenant.slug)),
        format!("database from the {source}"),
    )
    .await?;
    announce_change(&txn, &tenant.slug).await?;
    txn.commit().await?;
    Ok(user_id)
}

/// Removes a half-made tenant after an error; failures are logged and left
/// to [`recover_stale`].
async fn abandon(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    tenant: &tenants::Model,
    database_made: bool,
) {
    if let Err(e) = clean_up(control, registry, tenant, database_made).await {
        tracing::error!(tenant_id = tenant.id, error = %e, "could not clean up a failed sign-up");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(org: &str, slug: &str, email: &str, password: &str) -> SignUpInput {
        SignUpInput {
            org_name: org.into(),
            subdomain: slug.into(),
            email: email.into(),
            password: password.into(),
        }
    }

    #[test]
    fn valid_input_has_no_errors() {
        assert!(validate(&input("Acme", "acme", "Ann@Example.com ", "long enough")).is_empty());
    }

    #[test]
    fn each_bad_field_gets_its_own_message_and_values_are_echoed_without_password() {
        let errors = validate(&input(" ", "Bad_Slug", "not-an-email", "short"));
        assert_eq!(
            errors.get("org_name"),
            Some("Enter your organization's name.")
        );
        assert_eq!(
            errors.get("subdomain"),
            Some("Use only lowercase letters, digits and hyphens.")
        );
        assert_eq!(
            errors.get("email"),
            Some("Enter an email address like name@example.com.")
        );
        assert_eq!(errors.get("password"), Some("Use at least 8 characters."));
        assert_eq!(errors.value("subdomain"), Some("Bad_Slug"));
        assert_eq!(errors.value("password"), None);
    }

    #[test]
    fn reserved_subdomain_is_a_field_error() {
        let errors = validate(&input("Acme", "admin", "a@b.co", "long enough"));
        assert_eq!(errors.get("subdomain"), Some("This subdomain is reserved."));
    }
}
