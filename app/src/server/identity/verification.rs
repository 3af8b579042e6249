//! Email verification: a single-use link, sent at sign-up and on request,
//! that proves the owner reads the address. Until then they see a banner
//! and cannot invite anyone.

use crate::model::AppError;
use crate::server::{
    entities::control::users,
    error::internal,
    identity::tokens,
    mail::{Email, Mailer},
    time::now_unix,
};
use sea_orm::{
    sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

/// A verification link works for two days.
pub const TTL_SECS: i64 = 48 * 60 * 60;

/// Sends `user` a fresh verification link to `{apex}/verify-email`.
pub async fn send(
    control: &DatabaseConnection,
    mailer: &Mailer,
    user: &users::Model,
    apex: &str,
) -> Result<(), AppError> {
    let token = tokens::issue(
        control,
        tokens::Purpose::VerifyEmail,
        user.id,
        None,
        TTL_SECS,
    )
    .await
    .map_err(internal)?;
    let link = format!("{apex}/verify-email?token={token}");
    let body = format!(
        "Hello,\n\n\
         please confirm that {email} is your address by opening this link:\n\n\
         {link}\n\n\
         The link works once, for two days. If you did not sign up for \
         Tenantry, ignore this message.\n",
        email = user.email,
    );
    mailer
        .send(Email {
            to: user.email.clone(),
            subject: "Confirm your email address for Tenantry".to_owned(),
            body,
            html: None,
            unsubscribe: None,
        })
        .await
        .map_err(internal)
}

/// Uses a verification link: marks its user's address verified. `None`
/// when the link is unknown, used or expired.
pub async fn verify(
    control: &DatabaseConnection,
    token: &str,
) -> Result<Option<i64>, sea_orm::DbErr> {
    // One transaction: a link is never used up without confirming.
    let txn = control.begin().await?;
    let Some(user_id) = tokens::consume(&txn, token, tokens::Purpose::VerifyEmail, None).await?
    else {
        return Ok(None);
    };
    users::Entity::update_many()
        .col_expr(users::Column::EmailVerifiedAt, Expr::value(now_unix()))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::EmailVerifiedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Some(user_id))
}
