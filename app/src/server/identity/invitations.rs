//! Invitations: an admin invites an email address with a role; the link
//! (single-use, 7 days, revocable, resendable: a resend replaces it) lets the
//! person create an account or join with the one they have.
//!
//! Invitations live in the control plane, their audit entries in the
//! organization's database, written and committed before the control-plane
//! change (see `members`).

use crate::model::account::{check_email, check_password, normalize_email};
use crate::model::{
    invitations::{Invitation, InvitationOffer},
    AppError, FieldErrors, Role,
};
use crate::server::secret::random_hex;
use crate::server::{
    entities::control::{invitations, memberships, users},
    error::{internal, tenant_db},
    identity::{
        accounts::{user_by_email, verify_limited},
        password::hash_password,
        tokens,
    },
    mail::{Email, Mailer},
    org::audit::{self, Actor, Change},
    rate_limit::Limits,
    time::{now_unix, utc_date},
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, SqlErr, TransactionTrait,
};
use std::net::IpAddr;
use tenancy::context::TenantCtx;

/// An invitation link works for seven days.
pub const TTL_SECS: i64 = 7 * 24 * 60 * 60;

const UNCONFIRMED: &str = "Confirm your email address first: use the link we sent you, or send it again from the home page.";

const EXPIRED: &str =
    "This invitation has expired or was withdrawn. Ask the person who invited you for a new one.";

/// The role an invitation gives.
fn role_of(row: &invitations::Model) -> Result<Role, AppError> {
    Role::parse(&row.role).ok_or_else(|| {
        internal(format!(
            "invitation {} has an unknown role {:?}",
            row.id, row.role
        ))
    })
}

fn new_token() -> String {
    random_hex(32)
}

fn view(row: invitations::Model, now: i64) -> Option<Invitation> {
    Some(Invitation {
        id: row.id,
        role: Role::parse(&row.role)?,
        sent: utc_date(row.sent_at),
        expires: utc_date(row.expires_at),
        expired: row.expires_at <= now,
        email: row.email,
    })
}

/// The invitations of `tenant_id` nobody has accepted or revoked, newest
/// first (expired ones too: they can be sent again).
pub async fn pending(
    control: &DatabaseConnection,
    tenant_id: i64,
) -> Result<Vec<Invitation>, AppError> {
    let now = now_unix();
    Ok(invitations::Entity::find()
        .filter(invitations::Column::TenantId.eq(tenant_id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .order_by_desc(invitations::Column::Id)
        .all(control)
        .await
        .map_err(internal)?
        .into_iter()
        .filter_map(|row| view(row, now))
        .collect())
}

/// Who invites, and where the link points (`http://SLUG.BASE:PORT`).
pub struct Inviter {
    pub actor: Actor,
    pub role: Role,
    pub email_verified: bool,
    pub tenant_url: String,
}

fn mail(org_name: &str, inviter: &Inviter, to: &str, role: Role, token: &str) -> Email {
    let link = format!("{}/invitation?token={token}", inviter.tenant_url);
    Email {
        to: to.to_owned(),
        subject: format!(
            "{} invited you to {org_name} on Tenantry",
            inviter.actor.email
        ),
        body: format!(
            "Hello,\n\n\
             {inviter} invited you to join {org_name} on Tenantry as {role}.\n\n\
             Accept the invitation here:\n\n\
             {link}\n\n\
             The link works once, for seven days. If you did not expect it, \
             ignore this message.\n",
            inviter = inviter.actor.email,
            role = role.label().to_lowercase(),
        ),
    }
}

/// Invites `email` to the organization with `role`, and sends the link.
pub async fn invite(
    control: &DatabaseConnection,
    (mailer, limits): (&Mailer, &Limits),
    ctx: &TenantCtx,
    inviter: &Inviter,
    email: &str,
    role: Role,
) -> Result<Invitation, AppError> {
    let email = normalize_email(email);
    let mut errors = FieldErrors::default().echo("email", &email);
    if !inviter.email_verified {
        errors.add("form", UNCONFIRMED);
        return Err(AppError::Validation(errors));
    }
    if let Err(message) = check_email(&email) {
        errors.add("email", message);
    }
    if !inviter.role.may_assign(role) {
        errors.add("role", "Only owners can invite owners.");
    }
    errors.clone().into_result()?;

    let member = memberships::Entity::find()
        .inner_join(users::Entity)
        .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
        .filter(users::Column::Email.eq(email.clone()))
        .count(control)
        .await
        .map_err(internal)?
        > 0;
    if member {
        errors.add("email", format!("{email} is already a member."));
        return Err(AppError::Validation(errors));
    }
    let now = now_unix();
    let invited = invitations::Entity::find()
        .filter(invitations::Column::TenantId.eq(ctx.tenant.id))
        .filter(invitations::Column::Email.eq(email.clone()))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .count(control)
        .await
        .map_err(internal)?
        > 0;
    if invited {
        errors.add("email", already_invited(&email));
        return Err(AppError::Validation(errors));
    }

    limits.take_invite(ctx.tenant.id, &email)?;

    let token = new_token();
    // Mail first, outside any transaction: no database waits on the SMTP
    // server, and a failed send changes nothing. (Should anything below
    // fail, the mailed link leads to "expired or withdrawn".)
    if let Err(cause) = mailer
        .send(mail(&ctx.tenant.name, inviter, &email, role, &token))
        .await
    {
        errors.add("form", mail_failed(cause));
        return Err(AppError::Validation(errors));
    }
    let log = ctx.db.begin().await.map_err(tenant_db)?;
    audit::record(
        &log,
        &inviter.actor,
        Change {
            action: "invitation.create",
            target: format!("invitation {email}"),
            before: None,
            after: Some(role.label().to_owned()),
        },
    )
    .await
    .map_err(tenant_db)?;
    let txn = control.begin().await.map_err(internal)?;
    let inserted = invitations::Entity::insert(invitations::ActiveModel {
        tenant_id: Set(ctx.tenant.id),
        email: Set(email.clone()),
        role: Set(role.as_str().to_owned()),
        token_hash: Set(tokens::digest(&token)),
        invited_by: Set(inviter.actor.user_id),
        created_at: Set(now),
        sent_at: Set(now),
        expires_at: Set(now + TTL_SECS),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await;
    let row = match inserted {
        Ok(row) => row,
        // Invited by someone else a moment ago: one pending invitation per
        // address (a unique index).
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            errors.add("email", already_invited(&email));
            return Err(AppError::Validation(errors));
        }
        Err(e) => return Err(internal(e)),
    };
    log.commit().await.map_err(tenant_db)?;
    txn.commit().await.map_err(internal)?;
    view(row, now).ok_or_else(|| internal("a new invitation with an unknown role"))
}

fn already_invited(email: &str) -> String {
    format!("{email} is invited already: send the invitation again from the list below.")
}

/// Logs why an invitation could not be mailed; returns what the user sees.
fn mail_failed(cause: crate::server::mail::MailError) -> &'static str {
    tracing::error!(error = %cause, "invitation email not sent");
    "We could not send the email just now, so nothing was changed. Please try again in a minute."
}

/// A pending invitation of this organization, or `NotFound` (an id of
/// another organization is not found either).
async fn pending_one(
    control: &DatabaseConnection,
    tenant_id: i64,
    id: i64,
) -> Result<invitations::Model, AppError> {
    invitations::Entity::find_by_id(id)
        .filter(invitations::Column::TenantId.eq(tenant_id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .one(control)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            AppError::field(
                "form",
                "This invitation was accepted or withdrawn meanwhile.",
            )
        })
}

/// Withdraws invitation `id`: its link stops working. Only owners withdraw
/// an owner's invitation.
pub async fn revoke(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    inviter: &Inviter,
    id: i64,
) -> Result<(), AppError> {
    let row = pending_one(control, ctx.tenant.id, id).await?;
    let role = role_of(&row)?;
    if !inviter.role.may_assign(role) {
        return Err(AppError::field(
            "form",
            "Only owners can withdraw an owner's invitation.",
        ));
    }
    let log = ctx.db.begin().await.map_err(tenant_db)?;
    audit::record(
        &log,
        &inviter.actor,
        Change {
            action: "invitation.revoke",
            target: format!("invitation {}", row.email),
            before: Some(role.label().to_owned()),
            after: None,
        },
    )
    .await
    .map_err(tenant_db)?;
    log.commit().await.map_err(tenant_db)?;
    invitations::Entity::update_many()
        .col_expr(invitations::Column::RevokedAt, Expr::value(now_unix()))
        .filter(invitations::Column::Id.eq(row.id))
        .exec(control)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Sends invitation `id` again with a new link (the old one stops working)
/// and seven more days. If the mail cannot be sent, the old link stays.
pub async fn resend(
    control: &DatabaseConnection,
    (mailer, limits): (&Mailer, &Limits),
    ctx: &TenantCtx,
    inviter: &Inviter,
    id: i64,
) -> Result<(), AppError> {
    if !inviter.email_verified {
        return Err(AppError::field("form", UNCONFIRMED));
    }
    let row = pending_one(control, ctx.tenant.id, id).await?;
    let role = role_of(&row)?;
    if !inviter.role.may_assign(role) {
        return Err(AppError::field("form", "Only owners can invite owners."));
    }
    limits.take_invite(ctx.tenant.id, &row.email)?;
    let token = new_token();
    let now = now_unix();
    // Mail first, outside any transaction: no database waits on the SMTP
    // server, and a failed send changes nothing.
    mailer
        .send(mail(&ctx.tenant.name, inviter, &row.email, role, &token))
        .await
        .map_err(|cause| AppError::field("form", mail_failed(cause)))?;
    let log = ctx.db.begin().await.map_err(tenant_db)?;
    audit::record(
        &log,
        &inviter.actor,
        Change {
            action: "invitation.resend",
            target: format!("invitation {}", row.email),
            before: None,
            after: Some(role.label().to_owned()),
        },
    )
    .await
    .map_err(tenant_db)?;
    let txn = control.begin().await.map_err(internal)?;
    invitations::Entity::update_many()
        .col_expr(
            invitations::Column::TokenHash,
            Expr::value(tokens::digest(&token)),
        )
        .col_expr(invitations::Column::SentAt, Expr::value(now))
        .col_expr(invitations::Column::ExpiresAt, Expr::value(now + TTL_SECS))
        .filter(invitations::Column::Id.eq(row.id))
        .exec(&txn)
        .await
        .map_err(internal)?;
    log.commit().await.map_err(tenant_db)?;
    txn.commit().await.map_err(internal)
}

/// The invitation `token` opens in this organization, if it still works.
async fn usable(
    control: &impl sea_orm::ConnectionTrait,
    tenant_id: i64,
    token: &str,
) -> Result<Option<invitations::Model>, AppError> {
    invitations::Entity::find()
        .filter(invitations::Column::TokenHash.eq(tokens::digest(token)))
        .filter(invitations::Column::TenantId.eq(tenant_id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .filter(invitations::Column::ExpiresAt.gt(now_unix()))
        .one(control)
        .await
        .map_err(internal)
}

/// What the invitation page shows for `token`.
pub async fn offer(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    token: &str,
) -> Result<InvitationOffer, AppError> {
    let row = usable(control, ctx.tenant.id, token)
        .await?
        .ok_or_else(|| AppError::field("form", EXPIRED))?;
    Ok(InvitationOffer {
        org_name: ctx.tenant.name.clone(),
        role: role_of(&row)?,
        account_exists: user_by_email(control, &row.email).await?.is_some(),
        email: row.email,
    })
}

/// Accepts the invitation `token`: with the existing account's password, or
/// a new password that creates the account (its email counts as confirmed:
/// the link arrived there). Returns the user, now a member.
pub async fn accept(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    (limits, ip): (&Limits, IpAddr),
    token: &str,
    password: &str,
) -> Result<users::Model, AppError> {
    let row = usable(control, ctx.tenant.id, token)
        .await?
        .ok_or_else(|| AppError::field("form", EXPIRED))?;
    let role = role_of(&row)?;
    let existing = user_by_email(control, &row.email).await?;
    let new_hash = match &existing {
        Some(user) => {
            let hash = Some(user.password_hash.clone());
            if !verify_limited(limits, ip, &row.email, password, hash).await? {
                return Err(AppError::field(
                    "password",
                    format!("This is not the password of {}.", row.email),
                ));
            }
            None
        }
        None => {
            check_password(password).map_err(|m| AppError::field("password", m))?;
            Some(hash_password(password.to_owned()).await.map_err(internal)?)
        }
    };

    let now = now_unix();
    let txn = control.begin().await.map_err(internal)?;
    // Single use: of two acceptances at once, one updates the row.
    let taken = invitations::Entity::update_many()
        .col_expr(invitations::Column::AcceptedAt, Expr::value(now))
        .filter(invitations::Column::Id.eq(row.id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .filter(invitations::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await
        .map_err(internal)?;
    if taken.rows_affected != 1 {
        return Err(AppError::field("form", EXPIRED));
    }
    let user = match existing {
        Some(user) => user,
        None => users::Entity::insert(users::ActiveModel {
            email: Set(row.email.clone()),
            password_hash: Set(new_hash.map(|h| h.0).unwrap_or_default()),
            created_at: Set(now),
            email_verified_at: Set(Some(now)),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await
        .map_err(internal)?,
    };
    let already = memberships::Entity::find()
        .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
        .filter(memberships::Column::UserId.eq(user.id))
        .count(&txn)
        .await
        .map_err(internal)?
        > 0;
    if !already {
        let log = ctx.db.begin().await.map_err(tenant_db)?;
        let actor = Actor {
            user_id: user.id,
            email: user.email.clone(),
            ip: ip.to_string(),
        };
        audit::record(
            &log,
            &actor,
            Change {
                action: "member.join",
                target: format!("member {}", user.email),
                before: None,
                after: Some(role.label().to_owned()),
            },
        )
        .await
        .map_err(tenant_db)?;
        memberships::Entity::insert(memberships::ActiveModel {
            user_id: Set(user.id),
            tenant_id: Set(ctx.tenant.id),
            role: Set(role.as_str().to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await
        .map_err(internal)?;
        log.commit().await.map_err(tenant_db)?;
    }
    txn.commit().await.map_err(internal)?;
    Ok(user)
}
