//! Resending and revoking several invitations at once: each invitation
//! asked for gets its own outcome; those that can be changed are, in one
//! transaction, each audited.

use super::{
    admin::{mail, mail_failed},
    new_token, Inviter, TTL_SECS, UNCONFIRMED,
};
use crate::model::{
    invitations::{BulkRow, RowOutcome},
    AppError,
};
use crate::server::{
    entities::control::invitations,
    error::internal,
    identity::tokens,
    mail::Mailer,
    org::audit::{self, Action, Change},
    rate_limit::Limits,
    time::now_unix,
};
use sea_orm::{sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tenancy::context::TenantCtx;

/// Each of `ids`, in order, as its pending invitation, or as the row
/// saying why it takes no part (not pending, or an owner's and the inviter
/// no owner). One query.
async fn pending_many(
    control: &DatabaseConnection,
    tenant_id: i64,
    inviter: &Inviter,
    ids: &[i64],
) -> Result<Vec<Result<invitations::Model, BulkRow>>, AppError> {
    let found = invitations::Entity::find()
        .filter(invitations::Column::TenantId.eq(tenant_id))
        .filter(invitations::Column::Id.is_in(ids.iter().copied()))
        .all(control)
        .await
        .map_err(internal)?;
    Ok(ids
        .iter()
        .map(|&id| {
            let Some(row) = found.iter().find(|row| row.id == id) else {
                return Err(BulkRow {
                    id,
                    email: String::new(),
                    outcome: RowOutcome::NotPending,
                });
            };
            let refused = if row.accepted_at.is_some() || row.revoked_at.is_some() {
                Some(RowOutcome::NotPending)
            } else if !inviter.role.may_assign(row.role) {
                Some(RowOutcome::OwnersOnly)
            } else {
                None
            };
            match refused {
                Some(outcome) => Err(BulkRow {
                    id,
                    email: row.email.clone(),
                    outcome,
                }),
                None => Ok(row.clone()),
            }
        })
        .collect())
}

/// In one transaction: for each row that may still change, `set` applied
/// to it while it is still pending, and `change` audited when it was; the
/// other rows as they are. Says for each what became of it.
async fn change_each<X>(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    inviter: &Inviter,
    rows: Vec<Result<(invitations::Model, X), BulkRow>>,
    set: impl Fn(
        sea_orm::UpdateMany<invitations::Entity>,
        &X,
    ) -> sea_orm::UpdateMany<invitations::Entity>,
    change: impl Fn(&invitations::Model) -> Change,
) -> Result<Vec<BulkRow>, AppError> {
    audit::audited(&ctx.db, control, async |both| {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let (row, extra) = match row {
                Ok(row) => row,
                Err(skipped) => {
                    out.push(skipped);
                    continue;
                }
            };
            let still_pending = invitations::Entity::update_many()
                .filter(invitations::Column::Id.eq(row.id))
                .filter(invitations::Column::AcceptedAt.is_null())
                .filter(invitations::Column::RevokedAt.is_null());
            let changed = set(still_pending, &extra)
                .exec(both.control)
                .await
                .map_err(internal)?
                .rows_affected
                == 1;
            if changed {
                both.record(&inviter.actor, change(&row)).await?;
            }
            out.push(BulkRow {
                id: row.id,
                email: row.email,
                outcome: if changed {
                    RowOutcome::Done
                } else {
                    RowOutcome::NotPending
                },
            });
        }
        Ok(out)
    })
    .await
}

/// Withdraws the invitations `ids`: their links stop working.
pub async fn revoke_many(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    inviter: &Inviter,
    ids: &[i64],
) -> Result<Vec<BulkRow>, AppError> {
    let rows = pending_many(control, ctx.tenant.id, inviter, ids).await?;
    let now = now_unix();
    let rows = rows
        .into_iter()
        .map(|row| row.map(|row| (row, ())))
        .collect();
    change_each(
        control,
        ctx,
        inviter,
        rows,
        |update, ()| update.col_expr(invitations::Column::RevokedAt, Expr::value(now)),
        |row| Change {
            action: Action::InvitationRevoke,
            target: format!("invitation {}", row.email),
            before: Some(row.role.label().to_owned()),
            after: None,
        },
    )
    .await
}

/// Sends the invitations `ids` again, each with a new link: mailed one by
/// one first (outside any transaction; within the mail limits), then the
/// new links of those mailed recorded. One whose mail failed keeps its
/// link.
pub async fn resend_many(
    control: &DatabaseConnection,
    (mailer, limits): (&Mailer, &Limits),
    ctx: &TenantCtx,
    inviter: &Inviter,
    ids: &[i64],
) -> Result<Vec<BulkRow>, AppError> {
    if !inviter.email_verified {
        return Err(AppError::field("form", UNCONFIRMED));
    }
    let rows = pending_many(control, ctx.tenant.id, inviter, ids).await?;
    // Each row: its outcome already, or its invitation and the new token
    // just mailed.
    let mut mailed = Vec::with_capacity(rows.len());
    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(skipped) => {
                mailed.push(Err(skipped));
                continue;
            }
        };
        let unsent = |outcome| {
            Err(BulkRow {
                id: row.id,
                email: row.email.clone(),
                outcome,
            })
        };
        if limits.take_invite(ctx.tenant.id, &row.email).is_err() {
            mailed.push(unsent(RowOutcome::Limited));
            continue;
        }
        let token = new_token();
        match mailer
            .send(mail(&ctx.tenant, inviter, &row.email, row.role, &token))
            .await
        {
            Ok(()) => mailed.push(Ok((row, token))),
            Err(cause) => {
                mail_failed(cause);
                mailed.push(unsent(RowOutcome::MailFailed));
            }
        }
    }
    let now = now_unix();
    change_each(
        control,
        ctx,
        inviter,
        mailed,
        |update, token: &String| {
            update
                .col_expr(
                    invitations::Column::TokenHash,
                    Expr::value(tokens::digest(token)),
                )
                .col_expr(invitations::Column::SentAt, Expr::value(now))
                .col_expr(invitations::Column::ExpiresAt, Expr::value(now + TTL_SECS))
        },
        |row| Change {
            action: Action::InvitationResend,
            target: format!("invitation {}", row.email),
            before: None,
            after: Some(row.role.label().to_owned()),
        },
    )
    .await
}
