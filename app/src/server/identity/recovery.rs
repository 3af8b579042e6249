//! For people who lost something: their password (a reset link, one hour,
//! single-use) or the addresses of their organizations (an email listing
//! them). Both answer the same whether or not the email has an account,
//! and do all their work (the lookup included) in the background, so that
//! the answer takes as long either way.

use crate::model::account::{check_email, check_password, normalize_email};
use crate::model::AppError;
use crate::server::{
    entities::control::{
        one_time_tokens::{self, Purpose},
        sessions, users,
    },
    error::internal,
    identity::{
        accounts::{organizations_of, user_by_email},
        authority::AuthorityCache,
        password::hash_password,
        tokens,
    },
    mail::{Email, Mailer},
    rate_limit::Limits,
    time::now_unix,
};
use sea_orm::{
    sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

/// A reset link works for an hour.
pub const RESET_TTL_SECS: i64 = 60 * 60;

/// The email as typed, normalized, or a field error.
pub fn email_field(email: &str) -> Result<String, AppError> {
    let email = normalize_email(email);
    check_email(&email).map_err(|m| AppError::field_echo("email", &email, m))?;
    Ok(email)
}

/// Account mails composed at once, at most: each costs control-plane
/// queries, and a flood of requests from many addresses must leave the
/// connections that sessions and log-ins need.
const COMPOSING_AT_ONCE: usize = 2;
/// Account mails waiting for their turn, at most; beyond, a request's mail
/// is dropped (and logged): its asker gets the usual answer, and may ask
/// again.
const WAITING_AT_MOST: usize = 1_000;

static COMPOSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(COMPOSING_AT_ONCE);
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// One mail counted in [`WAITING`] until dropped.
struct Waiting;

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs `compose` (which finds the account and writes the message, if
/// any) and sends its mail in the background, a few at a time: the
/// request's answer does not wait for, nor depend on, whether the email
/// has an account.
fn in_background<F>(mailer: Arc<Mailer>, compose: F)
where
    F: std::future::Future<Output = Result<Option<Email>, AppError>> + Send + 'static,
{
    if WAITING.fetch_add(1, Ordering::AcqRel) >= WAITING_AT_MOST {
        WAITING.fetch_sub(1, Ordering::AcqRel);
        tracing::warn!("too many account emails waiting; this one is dropped");
        return;
    }
    tokio::spawn(async move {
        // No longer waiting once it has its turn, or is dropped unrun.
        let waiting = Waiting;
        let turn = COMPOSING.acquire().await;
        drop(waiting);
        let Ok(_turn) = turn else { return };
        match compose.await {
            Ok(Some(email)) => {
                if let Err(e) = mailer.send(email).await {
                    tracing::error!(error = %e, "could not send an account email");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "could not prepare an account email"),
        }
    });
}

/// Sends `email`'s account a link to `{apex}/reset-password`, if there is
/// such an account.
pub fn request_reset(
    control: DatabaseConnection,
    mailer: Arc<Mailer>,
    email: String,
    apex: String,
) {
    in_background(mailer, async move {
        let Some(user) = user_by_email(&control, &email).await? else {
            return Ok(None);
        };
        let token = tokens::issue(
            &control,
            Purpose::PasswordReset,
            user.id,
            None,
            RESET_TTL_SECS,
        )
        .await
        .map_err(internal)?;
        Ok(Some(Email {
            to: user.email.clone(),
            subject: "Reset your Tenantry password".to_owned(),
            body: format!(
                "Hello,\n\n\
                 someone (we hope you) asked to reset the password of {email} on Tenantry. \
                 Choose a new one here:\n\n\
                 {apex}/reset-password?token={token}\n\n\
                 The link works once, for one hour. If you did not ask, ignore this \
                 message: your password stays as it is.\n",
                email = user.email,
            ),
            html: None,
            unsubscribe: None,
        }))
    });
}

/// Sets a new password with reset link `token`: every session of the user
/// ends (a thief's too), and the address counts as confirmed. Returns the
/// user's email.
pub async fn reset(
    control: &DatabaseConnection,
    authority: &AuthorityCache,
    limits: &Limits,
    token: &str,
    password: &str,
) -> Result<String, AppError> {
    let expired = || {
        AppError::field(
            "form",
            "This link has expired or was already used. Ask for a new one below.",
        )
    };
    // Check the password first: a rejected one must not use up the link.
    check_password(password).map_err(|m| AppError::field("password", m))?;
    // A link that cannot work costs a lookup, not a password hash.
    if !tokens::usable(control, token, Purpose::PasswordReset, None)
        .await
        .map_err(internal)?
    {
        return Err(expired());
    }
    let hash = hash_password(&limits.cpu, password.to_owned()).await?;
    let txn = control.begin().await.map_err(internal)?;
    let user_id = tokens::consume(&txn, token, Purpose::PasswordReset, None)
        .await
        .map_err(internal)?
        .ok_or_else(expired)?;
    let now = now_unix();
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(hash.0))
        // API tokens the user made before the reset stop working too.
        .col_expr(users::Column::SignedOutAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await
        .map_err(internal)?;
    users::Entity::update_many()
        .col_expr(users::Column::EmailVerifiedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::EmailVerifiedAt.is_null())
        .exec(&txn)
        .await
        .map_err(internal)?;
    // The account's other reset links stop working, and every session ends,
    // in the same transaction as the new password.
    one_time_tokens::Entity::update_many()
        .col_expr(one_time_tokens::Column::UsedAt, Expr::value(now))
        .filter(one_time_tokens::Column::UserId.eq(user_id))
        .filter(one_time_tokens::Column::Purpose.eq(Purpose::PasswordReset))
        .filter(one_time_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await
        .map_err(internal)?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(&txn)
        .await
        .map_err(internal)?;
    txn.commit().await.map_err(internal)?;
    authority.user_changed(user_id).await;
    let user = users::Entity::find_by_id(user_id)
        .one(control)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("the reset user vanished"))?;
    Ok(user.email)
}

/// Emails `email`'s account the list of its organizations, each with its
/// log-in address (`login_url(slug)`), if there is such an account.
pub fn send_organizations(
    control: DatabaseConnection,
    mailer: Arc<Mailer>,
    email: String,
    login_url: impl Fn(&str) -> String + Send + 'static,
) {
    in_background(mailer, async move {
        let Some(user) = user_by_email(&control, &email).await? else {
            return Ok(None);
        };
        let organizations = organizations_of(&control, user.id).await?;
        let list = if organizations.is_empty() {
            "You do not belong to any organization at the moment.\n".to_owned()
        } else {
            organizations
                .iter()
                .map(|org| {
                    format!(
                        "- {} ({}): {}\n",
                        org.name,
                        org.role.label(),
                        login_url(&org.slug)
                    )
                })
                .collect()
        };
        Ok(Some(Email {
            to: user.email.clone(),
            subject: "Your Tenantry organizations".to_owned(),
            body: format!(
                "Hello,\n\nhere are the organizations {email} belongs to on Tenantry:\n\n{list}\n\
                 If you did not ask for this list, you can ignore this message.\n",
                email = user.email,
            ),
            html: None,
            unsubscribe: None,
        }))
    });
}
