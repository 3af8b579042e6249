//! Sign-up: a new organization, its owner, and its own database.
//!
//! Every check that can fail on the user's input runs before anything is
//! written. Then the engine provisions the tenant
//! ([`tenancy::provision`], a recorded state machine that cleans up after
//! any failure); this module supplies what the engine does not know: the
//! tenant database's first rows and the owner, created with the membership
//! in the transaction that makes the tenant active.

use crate::model::{
    account::{check_email, check_org_name, check_password, normalize_email},
    quota::OWNED_ORGANIZATIONS,
    slug::validate_slug,
    AppError, FieldErrors, Role,
};
use crate::server::{
    entities::{
        control::{memberships, users},
        tenant::settings,
    },
    error::internal,
    identity::{
        accounts::{self, verify_limited},
        password::{hash_password, PasswordHashString},
        tokens,
    },
    org::settings::Key,
    rate_limit::Limits,
    time::now_unix,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};
use std::net::IpAddr;
use tenancy::{
    audit::PlatformActor,
    directory::TenantDirectory,
    entities::tenants,
    provision::{self as engine, ProvisionError, Setup},
    registry::TenantRegistry,
};

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
    /// Whether this sign-up created the owner's account (which then gets
    /// the link to confirm its address; an existing one got it already).
    pub new_account: bool,
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

/// Signs up a new organization.
///
/// # Errors
/// `Validation` with field errors (nothing created) for bad input, a taken or
/// reserved subdomain, or an existing account whose password does not match;
/// `RateLimited` when this address, this email or everyone together has
/// signed up too often in the last hour; `Internal` when a database fails
/// (anything half-made is removed).
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

    if errors.get("subdomain").is_none()
        && engine::slug_held(control, registry, &slug)
            .await
            .map_err(internal)?
    {
        errors.add("subdomain", "This subdomain is taken.");
    }
    errors.clone().into_result()?;
    // Each sign-up creates a database: counted per address, per email and
    // in all before any of that work (or the password's hash) is done.
    limits.take_signup(ip, &email)?;

    // An existing account may add an organization, with its own password,
    // checked under the log-in rate limits (this form must not become a way
    // around them).
    let existing = accounts::user_by_email(control, &email).await?;
    let new_account = existing.is_none();
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
            if owned_organizations(control, user.id).await? >= OWNED_ORGANIZATIONS {
                errors.add(
                    "org_name",
                    format!(
                        "This account owns {OWNED_ORGANIZATIONS} organizations, the most one \
                         account may. Sign up this one with another email."
                    ),
                );
                return Err(AppError::Validation(errors));
            }
            Owner::Existing(user.id)
        }
        None => Owner::New {
            email,
            password_hash: hash_password(&limits.cpu, input.password).await?,
        },
    };

    let provisioned = match provision(control, registry, directory, &slug, &org_name, owner).await {
        Ok(provisioned) => provisioned,
        Err(ProvisionError::SlugTaken) => {
            errors.add("subdomain", "This subdomain is taken.");
            return Err(AppError::Validation(errors));
        }
        Err(ProvisionError::Conflict) => {
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
        tokens::Purpose::Handoff,
        provisioned.made,
        Some(provisioned.tenant.id),
        tokens::HANDOFF_TTL_SECS,
    )
    .await
    .map_err(internal)?;
    Ok(SignedUp {
        slug,
        handoff_token: token,
        owner_id: provisioned.made,
        new_account,
    })
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

/// What sign-up adds to the tenant the engine provisions: the organization's
/// display name in its database, and its owner.
struct NewOrganization {
    name: String,
    owner: Owner,
}

impl Setup for NewOrganization {
    /// The owner's user id.
    type Made = i64;

    async fn seed(&self, tenant_db: &DatabaseConnection) -> Result<(), DbErr> {
        settings::ActiveModel {
            key: Set(Key::OrganizationName.as_str().to_owned()),
            value: Set(self.name.clone()),
            updated_at: Set(now_unix()),
        }
        .insert(tenant_db)
        .await?;
        Ok(())
    }

    async fn activate(
        self,
        txn: &DatabaseTransaction,
        tenant: &tenants::Model,
    ) -> Result<(i64, PlatformActor), DbErr> {
        let now = now_unix();
        let user_id = match self.owner {
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
                .insert(txn)
                .await?
                .id
            }
        };
        memberships::ActiveModel {
            user_id: Set(user_id),
            tenant_id: Set(tenant.id),
            role: Set(Role::Owner),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok((user_id, PlatformActor::User(user_id)))
    }
}

/// How many organizations `user_id` owns (sign-up's [`OWNED_ORGANIZATIONS`]
/// cap; the per-email sign-up limit bounds how far parallel sign-ups of one
/// account can pass it).
async fn owned_organizations(control: &DatabaseConnection, user_id: i64) -> Result<u64, AppError> {
    memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::Role.eq(Role::Owner))
        .count(control)
        .await
        .map_err(internal)
}

/// Provisions a new tenant at `slug` (already validated) named `org_name`,
/// owned by `owner`.
///
/// # Errors
/// `SlugTaken` when another tenant holds the slug (a concurrent sign-up);
/// `Conflict` when a new owner's email was registered meanwhile;
/// `Failed` for anything else, after removing what was made.
pub async fn provision(
    control: &DatabaseConnection,
    registry: &TenantRegistry,
    directory: &TenantDirectory,
    slug: &str,
    org_name: &str,
    owner: Owner,
) -> Result<engine::Provisioned<i64>, ProvisionError> {
    let setup = NewOrganization {
        name: org_name.to_owned(),
        owner,
    };
    engine::provision(control, registry, directory, slug, org_name, setup).await
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
