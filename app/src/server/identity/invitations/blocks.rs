//! An invited person who wants no invitations from an organization: the
//! one-click link in every invitation (`web::unsubscribe`) blocks the
//! address for that organization, withdraws its pending invitation, and
//! the organization's admins cannot invite it again (they are told why).
//! Other organizations still can.

use crate::model::{account::normalize_email, AppError};
use crate::server::{
    entities::control::{invitation_blocks, invitations},
    error::internal,
    identity::tokens,
    org::audit::{self, Action, Change},
    time::now_unix,
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter,
};
use tenancy::context::TenantCtx;

/// Whether `email` asked organization `tenant_id` to stop inviting it.
pub async fn blocked(
    control: &impl ConnectionTrait,
    tenant_id: i64,
    email: &str,
) -> Result<bool, DbErr> {
    Ok(invitation_blocks::Entity::find()
        .filter(invitation_blocks::Column::TenantId.eq(tenant_id))
        .filter(invitation_blocks::Column::Email.eq(normalize_email(email)))
        .count(control)
        .await?
        > 0)
}

/// The address the invitation link `token` of `ctx`'s organization went
/// to, in whatever state the invitation is now (accepted, withdrawn or
/// expired, the person may still want no more).
pub async fn address_of_link(
    control: &DatabaseConnection,
    tenant_id: i64,
    token: &str,
) -> Result<Option<String>, AppError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    Ok(invitations::Entity::find()
        .filter(invitations::Column::TenantId.eq(tenant_id))
        .filter(invitations::Column::TokenHash.eq(tokens::digest(token)))
        .one(control)
        .await
        .map_err(internal)?
        .map(|row| row.email))
}

/// Blocks `email` for `ctx`'s organization and withdraws its pending
/// invitation there; audited, by the address, in the organization's log.
pub async fn block(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    email: &str,
    ip: &str,
) -> Result<(), AppError> {
    let now = now_unix();
    let change = Change {
        action: Action::InvitationBlock,
        target: format!("invitation {email}"),
        before: None,
        after: None,
    };
    audit::audited(&ctx.db, control, async |both| {
        let already = invitation_blocks::Entity::insert(invitation_blocks::ActiveModel {
            tenant_id: Set(ctx.tenant.id),
            email: Set(email.to_owned()),
            created_at: Set(now),
        })
        .on_conflict_do_nothing()
        .exec(both.control)
        .await
        .map_err(internal)?;
        if matches!(already, sea_orm::TryInsertResult::Conflicted) {
            return Ok(());
        }
        invitations::Entity::update_many()
            .col_expr(invitations::Column::RevokedAt, Expr::value(now))
            .filter(invitations::Column::TenantId.eq(ctx.tenant.id))
            .filter(invitations::Column::Email.eq(email))
            .filter(invitations::Column::AcceptedAt.is_null())
            .filter(invitations::Column::RevokedAt.is_null())
            .exec(both.control)
            .await
            .map_err(internal)?;
        audit::record_by_address(both.tenant, email, ip, change)
            .await
            .map_err(crate::server::error::tenant_db)
    })
    .await
}
