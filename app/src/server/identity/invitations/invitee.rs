//! What the person invited does: open the link, then accept it with the
//! account they have or a new one.

use super::EXPIRED;

use crate::model::account::check_password;
use crate::model::{invitations::InvitationOffer, notifications::Kind, AppError, Permission};
use crate::server::{
    entities::control::{invitations, memberships, users},
    error::internal,
    identity::{
        accounts::{role_in, user_by_email, verify_limited},
        authority::AuthorityCache,
        password::hash_password,
        tokens,
    },
    mail::Mailer,
    org::{
        audit::{self, Action, Actor, Change},
        notifications::{self, Notice},
    },
    rate_limit::Limits,
    time::now_unix,
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use std::net::IpAddr;
use tenancy::context::TenantCtx;

/// The invitation `token` opens in this organization, if it still works:
/// unused, unrevoked, unexpired, and its inviter still a member who may
/// invite to its role. An admin who was removed or demoted since cannot
/// come back, nor let anyone in, through a link they sent before.
async fn usable(
    control: &impl sea_orm::ConnectionTrait,
    tenant_id: i64,
    token: &str,
) -> Result<Option<invitations::Model>, AppError> {
    let Some(row) = invitations::Entity::find()
        .filter(invitations::Column::TokenHash.eq(tokens::digest(token)))
        .filter(invitations::Column::TenantId.eq(tenant_id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .filter(invitations::Column::ExpiresAt.gt(now_unix()))
        .one(control)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let inviter = role_in(control, row.invited_by, tenant_id).await?;
    let still_may = inviter
        .is_some_and(|role| role.grants(Permission::ManageMembers) && role.may_assign(row.role));
    Ok(still_may.then_some(row))
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
        role: row.role,
        account_exists: user_by_email(control, &row.email).await?.is_some(),
        email: row.email,
    })
}

/// Who joined by an invitation, and who had invited them.
pub struct Joined {
    pub user: users::Model,
    pub invited_by: i64,
}

/// Accepts the invitation `token`: with the existing account's password, or
/// a new password that creates the account (its email counts as confirmed:
/// the link arrived there). Returns the user, now a member.
pub async fn accept(
    control: &DatabaseConnection,
    authority: &AuthorityCache,
    ctx: &TenantCtx,
    (limits, ip): (&Limits, IpAddr),
    token: &str,
    password: &str,
) -> Result<Joined, AppError> {
    let row = usable(control, ctx.tenant.id, token)
        .await?
        .ok_or_else(|| AppError::field("form", EXPIRED))?;
    let role = row.role;
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
            Some(hash_password(&limits.cpu, password.to_owned()).await?)
        }
    };

    let now = now_unix();
    let user = audit::audited(&ctx.db, control, async |both| {
        // Single use: of two acceptances at once, one updates the row.
        let taken = invitations::Entity::update_many()
            .col_expr(invitations::Column::AcceptedAt, Expr::value(now))
            .filter(invitations::Column::Id.eq(row.id))
            .filter(invitations::Column::AcceptedAt.is_null())
            .filter(invitations::Column::RevokedAt.is_null())
            .filter(invitations::Column::ExpiresAt.gt(now))
            .exec(both.control)
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
            .exec_with_returning(both.control)
            .await
            .map_err(internal)?,
        };
        let already = memberships::Entity::find()
            .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
            .filter(memberships::Column::UserId.eq(user.id))
            .count(both.control)
            .await
            .map_err(internal)?
            > 0;
        if !already {
            let actor = Actor {
                user_id: user.id,
                email: user.email.clone(),
                ip: ip.to_string(),
            };
            let change = Change {
                action: Action::MemberJoin,
                target: format!("member {}", user.email),
                before: None,
                after: Some(role.label().to_owned()),
            };
            both.record(&actor, change).await?;
            memberships::Entity::insert(memberships::ActiveModel {
                user_id: Set(user.id),
                tenant_id: Set(ctx.tenant.id),
                role: Set(role),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(both.control)
            .await
            .map_err(internal)?;
        }
        Ok(user)
    })
    .await?;
    // Their account menu lists the organization from now on.
    authority.user_changed(user.id).await;
    Ok(Joined {
        user,
        invited_by: row.invited_by,
    })
}

/// Tells the member who sent the invitation that `joined` joined, as their
/// choices allow (`Kind::InvitationsAccepted`), if they are a member still
/// and did not invite themselves. Logged, not answered, when it fails: the
/// person has joined.
pub async fn tell_inviter(
    control: &DatabaseConnection,
    mailer: &Mailer,
    ctx: &TenantCtx,
    joined: &Joined,
    tenant_url: &str,
) {
    let inviter = joined.invited_by;
    if inviter == joined.user.id {
        return;
    }
    let found = memberships::Entity::find()
        .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
        .filter(memberships::Column::UserId.eq(inviter))
        .find_also_related(users::Entity)
        .one(control)
        .await;
    let to = match found {
        Ok(Some((_, Some(user)))) => user.email,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(error = %e, "the inviter could not be told");
            return;
        }
    };
    let org = &ctx.tenant.name;
    let who = &joined.user.email;
    let notice = Notice {
        kind: Kind::InvitationsAccepted,
        user_id: inviter,
        to,
        subject: format!("{who} joined {org}"),
        paragraphs: vec![
            "Hello,".to_owned(),
            format!("{who} accepted your invitation and is a member of {org} now."),
        ],
        action: (
            "See the members".to_owned(),
            format!("{tenant_url}/members"),
        ),
    };
    if let Err(e) =
        notifications::send(mailer, &ctx.db, &ctx.tenant, tenant_url, vec![notice]).await
    {
        tracing::warn!(error = %e, "the inviter could not be told");
    }
}
