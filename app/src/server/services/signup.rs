//! Sign-up: a new organization, its owner, and its own database.
//!
//! Order matters for "nothing is created on bad input": every check that can
//! fail on the user's input runs before anything is written. Then the tenant
//! row is inserted as `provisioning` (its unique slug index settles
//! concurrent sign-ups for the same subdomain), the database is created and
//! migrated, and one transaction adds the owner and activates the tenant. A
//! failure after the tenant row exists removes the row and the database
//! again, so the subdomain can be retried at once.

use super::tenants::{slug_taken, STATUS_ACTIVE, STATUS_PROVISIONING};
use crate::model::{slug::validate_slug, AppError, FieldErrors};
use crate::server::{
    entities::control::{memberships, tenants, users},
    error::internal,
    password::{hash_password, verify_password, PasswordHashString},
    registry::TenantRegistry,
    time::now_unix,
    tokens,
};
use migration::TenantMigrator;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    SqlErr, TransactionTrait,
};

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

    if org_name.is_empty() {
        errors.add("org_name", "Enter your organization's name.");
    } else if org_name.chars().count() > MAX_ORG_NAME_LEN {
        errors.add(
            "org_name",
            format!("Use at most {MAX_ORG_NAME_LEN} characters."),
        );
    } else if org_name.chars().any(char::is_control) {
        errors.add("org_name", "Remove control characters from the name.");
    }
    if let Err(e) = validate_slug(slug) {
        errors.add("subdomain", e.to_string());
    }
    if let Err(message) = check_email(&email) {
        errors.add("email", message);
    }
    let password_len = input.password.chars().count();
    if password_len < MIN_PASSWORD_LEN {
        errors.add(
            "password",
            format!("Use at least {MIN_PASSWORD_LEN} characters."),
        );
    } else if password_len > MAX_PASSWORD_LEN {
        errors.add(
            "password",
            format!("Use at most {MAX_PASSWORD_LEN} characters."),
        );
    }
    errors
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn check_email(email: &str) -> Result<(), &'static str> {
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
    input: SignUpInput,
) -> Result<SignedUp, AppError> {
    let mut errors = validate(&input);
    let slug = input.subdomain.trim().to_owned();
    let email = normalize_email(&input.email);
    let org_name = input.org_name.trim().to_owned();

    if errors.get("subdomain").is_none() && slug_taken(control, &slug).await.map_err(internal)? {
        errors.add("subdomain", "This subdomain is taken.");
    }
    errors.clone().into_result()?;

    // An existing account may add an organization, with its own password.
    let existing = users::Entity::find()
        .filter(users::Column::Email.eq(email.clone()))
        .one(control)
        .await
        .map_err(internal)?;
    let owner = match existing {
        Some(user) => {
            if !verify_password(input.password.clone(), user.password_hash.clone())
                .await
                .map_err(internal)?
            {
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

    let now = now_unix();
    let location = registry.new_location(&slug);
    let tenant = tenants::ActiveModel {
        slug: Set(slug.clone()),
        name: Set(org_name),
        status: Set(STATUS_PROVISIONING.to_owned()),
        database_location: Set(location.clone()),
        schema_version: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(control)
    .await;
    let tenant = match tenant {
        Ok(tenant) => tenant,
        // Lost a race for the slug against a concurrent sign-up.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            errors.add("subdomain", "This subdomain is taken.");
            return Err(AppError::Validation(errors));
        }
        Err(e) => return Err(internal(e)),
    };

    let provisioned = async {
        registry.create_database(&location).await?;
        registry.migrate(&location).await
    }
    .await;
    if let Err(e) = provisioned {
        abandon(control, registry, &tenant).await;
        return Err(internal(format!("provisioning tenant database: {e}")));
    }

    let finished = finish(control, &tenant, owner, now).await;
    match finished {
        Ok(user_id) => {
            let token = tokens::issue(
                control,
                tokens::HANDOFF,
                user_id,
                Some(tenant.id),
                tokens::HANDOFF_TTL_SECS,
            )
            .await
            .map_err(internal)?;
            tracing::info!(tenant_id = tenant.id, "organization signed up");
            Ok(SignedUp {
                slug,
                handoff_token: token,
            })
        }
        Err(e) => {
            abandon(control, registry, &tenant).await;
            if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                // The same email signed up concurrently: let them retry.
                errors.add(
                    "email",
                    "An account with this email was just created. Please try again.",
                );
                return Err(AppError::Validation(errors));
            }
            Err(internal(e))
        }
    }
}

enum Owner {
    Existing(i64),
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
    active.schema_version = Set(Some(TenantMigrator::latest_version()));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(user_id)
}

/// Removes a half-made tenant: its database and its row. Failures are
/// logged; the row goes last so a crash in between leaves a row that
/// points at what is left to clean.
async fn abandon(control: &DatabaseConnection, registry: &TenantRegistry, tenant: &tenants::Model) {
    if let Err(e) = registry
        .drop_database(Some(tenant.id), &tenant.database_location)
        .await
    {
        tracing::error!(tenant_id = tenant.id, error = %e, "could not drop abandoned tenant database");
    }
    if let Err(e) = tenants::Entity::delete_by_id(tenant.id).exec(control).await {
        tracing::error!(tenant_id = tenant.id, error = %e, "could not delete abandoned tenant row");
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
