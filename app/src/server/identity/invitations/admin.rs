//! What an organization's admins do with invitations: invite an address
//! with a role, withdraw an invitation, send it again with a new link.

use super::{new_token, view, Inviter, TTL_SECS, UNCONFIRMED};

use crate::model::account::{check_email, normalize_email};
use crate::model::quota::Limit;
use crate::model::{invitations::Invitation, AppError, FieldErrors, Role};
use crate::server::{
    entities::control::{invitations, memberships, users},
    error::internal,
    identity::tokens,
    mail::{
        branded::{self, Brand, Message},
        Email, Mailer,
    },
    org::audit::{self, Action, Change},
    rate_limit::Limits,
    time::now_unix,
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, SqlErr,
};
use tenancy::context::{TenantCtx, TenantInfo};

/// The invitation: plain text, and as HTML in the organization's colours
/// and logo.
pub(super) fn mail(
    tenant: &TenantInfo,
    inviter: &Inviter,
    to: &str,
    role: Role,
    token: &str,
) -> Email {
    let org_name = &tenant.name;
    let link = format!("{}/invitation?token={token}", inviter.tenant_url);
    let invited = format!(
        "{inviter} invited you to join {org_name} on Tenantry as {role}.",
        inviter = inviter.actor.email,
        role = role.label().to_lowercase(),
    );
    let expiry = "The link works once, for seven days. If you did not expect it, \
                  ignore this message.";
    let unsubscribe = format!(
        "{}/unsubscribe/invitations?token={token}",
        inviter.tenant_url
    );
    let no_more =
        format!("Do not want invitations from {org_name}? One click stops them: {unsubscribe}");
    let footer = format!("{expiry} {no_more}");
    let html = branded::html(
        &Brand::of(tenant, &inviter.tenant_url),
        &Message {
            paragraphs: &["Hello,".to_owned(), invited.clone()],
            action: ("Accept the invitation", &link),
            footer: &footer,
        },
    );
    Email {
        to: to.to_owned(),
        subject: format!(
            "{} invited you to {org_name} on Tenantry",
            inviter.actor.email
        ),
        body: format!(
            "Hello,\n\n{invited}\n\nAccept the invitation here:\n\n{link}\n\n{expiry}\n\n{no_more}\n"
        ),
        html: Some(html),
        unsubscribe: Some(unsubscribe),
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
    if super::blocked(control, ctx.tenant.id, &email)
        .await
        .map_err(internal)?
    {
        errors.add(
            "email",
            format!(
                "{email} asked not to get invitations from {}.",
                ctx.tenant.name
            ),
        );
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

    // No seat left: refused before any mail goes (checked again, under the
    // lock, where the invitation is made).
    let (members, open) = crate::server::identity::members::headcount(control, ctx.tenant.id)
        .await
        .map_err(internal)?;
    if inviter.seats.room(members + open) == 0 {
        errors.add("email", inviter.seats.reached());
        return Err(AppError::Validation(errors));
    }
    limits.take_invite(ctx.tenant.id, &email)?;

    let token = new_token();
    // Mail first, outside any transaction: no database waits on the SMTP
    // server, and a failed send changes nothing. (Should anything below
    // fail, the mailed link leads to "expired or withdrawn".)
    if let Err(cause) = mailer
        .send(mail(&ctx.tenant, inviter, &email, role, &token))
        .await
    {
        errors.add("form", mail_failed(cause));
        return Err(AppError::Validation(errors));
    }
    let change = Change {
        action: Action::InvitationCreate,
        target: format!("invitation {email}"),
        before: None,
        after: Some(role.label().to_owned()),
    };
    let row = audit::audited(&ctx.db, control, async |both| {
        // Members and open invitations together within the plan's seats:
        // counted under the organization's row lock, so that invitations
        // sent at once cannot pass it.
        let (members, open) = seats_taken(both.control, ctx.tenant.id).await?;
        if inviter.seats.room(members + open) == 0 {
            errors.add("email", inviter.seats.reached());
            return Err(AppError::Validation(errors.clone()));
        }
        let inserted = invitations::Entity::insert(invitations::ActiveModel {
            tenant_id: Set(ctx.tenant.id),
            email: Set(email.clone()),
            role: Set(role),
            token_hash: Set(tokens::digest(&token)),
            invited_by: Set(inviter.actor.user_id),
            created_at: Set(now),
            sent_at: Set(now),
            expires_at: Set(now + TTL_SECS),
            ..Default::default()
        })
        .exec_with_returning(both.control)
        .await;
        match inserted {
            Ok(row) => {
                both.record(&inviter.actor, change).await?;
                Ok(row)
            }
            // Invited by someone else a moment ago: one pending invitation
            // per address (a unique index).
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                errors.add("email", already_invited(&email));
                Err(AppError::Validation(errors))
            }
            Err(e) => Err(internal(e)),
        }
    })
    .await?;
    view(row, now, &crate::server::time::Local::of(&ctx.tenant))
        .ok_or_else(|| internal("a new invitation with an unknown role"))
}

/// Members and open invitations of `tenant_id`, with its row locked until
/// the transaction ends (a row lock on PostgreSQL, the write lock on
/// SQLite).
async fn seats_taken(
    control: &DatabaseTransaction,
    tenant_id: i64,
) -> Result<(u64, u64), AppError> {
    tenancy::catalog::lock(control, tenant_id)
        .await
        .map_err(internal)?;
    crate::server::identity::members::headcount(control, tenant_id)
        .await
        .map_err(internal)
}

fn already_invited(email: &str) -> String {
    format!("{email} is invited already: send the invitation again from the list below.")
}

/// Logs why an invitation could not be mailed; returns what the user sees.
pub(super) fn mail_failed(cause: crate::server::mail::MailError) -> &'static str {
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
    let role = row.role;
    if !inviter.role.may_assign(role) {
        return Err(AppError::field(
            "form",
            "Only owners can withdraw an owner's invitation.",
        ));
    }
    let change = Change {
        action: Action::InvitationRevoke,
        target: format!("invitation {}", row.email),
        before: Some(role.label().to_owned()),
        after: None,
    };
    audit::audited(&ctx.db, control, async |both| {
        invitations::Entity::update_many()
            .col_expr(invitations::Column::RevokedAt, Expr::value(now_unix()))
            .filter(invitations::Column::Id.eq(row.id))
            .exec(both.control)
            .await
            .map_err(internal)?;
        both.record(&inviter.actor, change).await
    })
    .await
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
    let role = row.role;
    if !inviter.role.may_assign(role) {
        return Err(AppError::field("form", "Only owners can invite owners."));
    }
    limits.take_invite(ctx.tenant.id, &row.email)?;
    let token = new_token();
    let now = now_unix();
    // Mail first, outside any transaction: no database waits on the SMTP
    // server, and a failed send changes nothing.
    mailer
        .send(mail(&ctx.tenant, inviter, &row.email, role, &token))
        .await
        .map_err(|cause| AppError::field("form", mail_failed(cause)))?;
    let change = Change {
        action: Action::InvitationResend,
        target: format!("invitation {}", row.email),
        before: None,
        after: Some(role.label().to_owned()),
    };
    audit::audited(&ctx.db, control, async |both| {
        invitations::Entity::update_many()
            .col_expr(
                invitations::Column::TokenHash,
                Expr::value(tokens::digest(&token)),
            )
            .col_expr(invitations::Column::SentAt, Expr::value(now))
            .col_expr(invitations::Column::ExpiresAt, Expr::value(now + TTL_SECS))
            .filter(invitations::Column::Id.eq(row.id))
            .exec(both.control)
            .await
            .map_err(internal)?;
        both.record(&inviter.actor, change).await
    })
    .await
}
