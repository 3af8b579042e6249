//! An organization's members: listing them, changing their roles and
//! removing them, under the rules that keep an organization governable:
//! only owners touch owners, and the last owner cannot be demoted or
//! removed (nor leave).
//!
//! Memberships live in the control plane, their audit entries in the
//! organization's database: every change goes through `org::audit::audited`.

use crate::model::{
    members::{Member, MemberSort, MAX_BULK, MEMBERS_PAGE},
    notifications::Kind,
    AppError, Permission, Role,
};
use crate::server::{
    entities::control::{memberships, users},
    error::internal,
    identity::authority::AuthorityCache,
    like::containing,
    mail::Mailer,
    org::{
        audit::{self, Action, Actor, Change},
        notifications::{self, Notice},
    },
    paging::{self, Paged},
    time::Local,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use tenancy::context::TenantCtx;

/// What the members list is asked for.
pub struct ListQuery<'a> {
    /// Part of the email, any case.
    pub search: &'a str,
    pub role: Option<Role>,
    pub sort: MemberSort,
    /// From 1; past the last page, the last page.
    pub page: u64,
}

/// One page of the members of `tenant_id` matching `query`, in its order:
/// filtered, ordered and cut in SQL ([`paging::fetch`]: two statements
/// whatever the organization's size); `total` counts those that match.
pub async fn list(
    control: &impl ConnectionTrait,
    tenant_id: i64,
    viewer_id: i64,
    query: &ListQuery<'_>,
    local: &Local,
) -> Result<Paged<Member>, DbErr> {
    let mut select = memberships::Entity::find()
        .filter(memberships::Column::TenantId.eq(tenant_id))
        .find_also_related(users::Entity);
    let search = query.search.trim().to_lowercase();
    if !search.is_empty() {
        select = select.filter(Expr::col(users::Column::Email).like(containing(&search)));
    }
    if let Some(role) = query.role {
        select = select.filter(memberships::Column::Role.eq(role));
    }
    select = match query.sort {
        MemberSort::Role => select
            .order_by_asc(role_rank())
            .order_by_asc(users::Column::Email),
        MemberSort::Email => select.order_by_asc(users::Column::Email),
        MemberSort::Newest => select
            .order_by_desc(memberships::Column::CreatedAt)
            .order_by_desc(memberships::Column::Id),
    };
    let found = paging::fetch(select, control, MEMBERS_PAGE, query.page).await?;
    let items = found
        .items
        .into_iter()
        .filter_map(|(membership, user)| {
            let user = user?;
            Some(Member {
                user_id: user.id,
                you: user.id == viewer_id,
                email: user.email,
                role: membership.role,
                joined: local.date(membership.created_at),
            })
        })
        .collect();
    Ok(Paged {
        items,
        total: found.total,
        page: found.page,
        pages: found.pages,
    })
}

/// Owners first, then admins, members and viewers ([`Role`]'s order).
fn role_rank() -> sea_orm::sea_query::SimpleExpr {
    let mut rank = sea_orm::sea_query::CaseStatement::new();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        rank = rank.case(memberships::Column::Role.eq(role), i as i64);
    }
    rank.finally(Role::ALL.len() as i64).into()
}

/// How many members `tenant_id` has.
pub async fn count(control: &impl ConnectionTrait, tenant_id: i64) -> Result<u64, DbErr> {
    memberships::Entity::find()
        .filter(memberships::Column::TenantId.eq(tenant_id))
        .count(control)
        .await
}

/// How many members `tenant_id` has, and how many of its invitations are
/// open (neither accepted nor revoked, expired ones too: an admin resends
/// or revokes them), in one statement.
///
/// # Errors
/// When the database fails.
pub async fn headcount(
    control: &impl ConnectionTrait,
    tenant_id: i64,
) -> Result<(u64, u64), DbErr> {
    // An integer of the code's own: nothing to bind.
    let sql = format!(
        "SELECT \
           (SELECT COUNT(*) FROM memberships WHERE tenant_id = {tenant_id}) AS members, \
           (SELECT COUNT(*) FROM invitations WHERE tenant_id = {tenant_id} \
              AND accepted_at IS NULL AND revoked_at IS NULL) AS pending"
    );
    let row = control
        .query_one_raw(sea_orm::Statement::from_string(
            control.get_database_backend(),
            sql,
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("headcount".into()))?;
    let count = |column: &str| -> Result<u64, DbErr> {
        Ok(u64::try_from(row.try_get::<i64>("", column)?).unwrap_or(0))
    };
    Ok((count("members")?, count("pending")?))
}

/// What happens to the selected members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    ChangeRole(Role),
    Remove,
}

/// A member a change was made to: who, and their role now (`None`:
/// removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub user_id: i64,
    pub email: String,
    pub role: Option<Role>,
}

/// Tells each member a change was made to (but the one who made it), as
/// their notification choices allow (`Kind::MembershipChanges`). The
/// change is made already: a failure to read the choices is logged, not
/// answered. `tenant_url` and `apex_url` are configured addresses.
pub async fn notify(
    mailer: &Mailer,
    ctx: &TenantCtx,
    actor: &Actor,
    changed: &[Changed],
    (tenant_url, apex_url): (&str, &str),
) {
    let org = &ctx.tenant.name;
    let notices = changed
        .iter()
        .filter(|c| c.user_id != actor.user_id)
        .map(|c| {
            let (subject, said, action) = match c.role {
                Some(role) => (
                    format!("Your role in {org} is now {}", role.label()),
                    format!(
                        "{} made you {} in {org}. What you may do there changed with it.",
                        actor.email,
                        role.label().to_lowercase()
                    ),
                    (format!("Open {org}"), format!("{tenant_url}/")),
                ),
                None => (
                    format!("You were removed from {org}"),
                    format!(
                        "{} removed you from {org}. You can no longer open it; your account \
                         and your other organizations are as they were.",
                        actor.email
                    ),
                    (
                        "Your organizations".to_owned(),
                        format!("{apex_url}/organizations"),
                    ),
                ),
            };
            Notice {
                kind: Kind::MembershipChanges,
                user_id: c.user_id,
                to: c.email.clone(),
                subject,
                paragraphs: vec!["Hello,".to_owned(), said],
                action,
            }
        })
        .collect();
    if let Err(e) = notifications::send(mailer, &ctx.db, &ctx.tenant, tenant_url, notices).await {
        tracing::warn!(error = %e, "membership notifications not sent");
    }
}

/// Gives `user_ids` the role `role`. Returns those that changed (members
/// who already have it are left alone).
pub async fn change_roles(
    control: &DatabaseConnection,
    authority: &AuthorityCache,
    ctx: &TenantCtx,
    actor: &Actor,
    user_ids: &[i64],
    role: Role,
) -> Result<Vec<Changed>, AppError> {
    let changed = apply(control, ctx, actor, user_ids, Operation::ChangeRole(role)).await;
    authority.users_changed(user_ids).await;
    changed
}

/// Removes `user_ids` from the organization. Their sessions on its host
/// stop working at their next request (every request checks membership).
pub async fn remove(
    control: &DatabaseConnection,
    authority: &AuthorityCache,
    ctx: &TenantCtx,
    actor: &Actor,
    user_ids: &[i64],
) -> Result<Vec<Changed>, AppError> {
    let removed = apply(control, ctx, actor, user_ids, Operation::Remove).await;
    authority.users_changed(user_ids).await;
    removed
}

async fn apply(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    actor: &Actor,
    user_ids: &[i64],
    operation: Operation,
) -> Result<Vec<Changed>, AppError> {
    if user_ids.is_empty() {
        return Err(AppError::field("form", "Select at least one member."));
    }
    if user_ids.len() > MAX_BULK {
        return Err(AppError::field(
            "form",
            format!("Select at most {MAX_BULK} members at a time."),
        ));
    }
    audit::audited(&ctx.db, control, async |both| {
        // Changes to one organization's members take turns: the owner count
        // read below stays true until commit (a row lock on PostgreSQL, the
        // write lock on SQLite).
        tenancy::catalog::lock(both.control, ctx.tenant.id)
            .await
            .map_err(internal)?;

        // The rows concerned (the actor's and the targets'), and how many
        // owners there are: two statements, whatever the organization's
        // size (not every membership).
        let concerned = user_ids.iter().copied().chain([actor.user_id]);
        let rows = memberships::Entity::find()
            .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
            .filter(memberships::Column::UserId.is_in(concerned))
            .find_also_related(users::Entity)
            .all(both.control)
            .await
            .map_err(internal)?;
        let owners = memberships::Entity::find()
            .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
            .filter(memberships::Column::Role.eq(Role::Owner))
            .count(both.control)
            .await
            .map_err(internal)?;
        // The actor's role as of now: it may have changed since the request's
        // permission check.
        let by_role = rows
            .iter()
            .find(|(m, _)| m.user_id == actor.user_id)
            .map(|(m, _)| m.role)
            .ok_or(AppError::Unauthorized)?;
        let leaving = operation == Operation::Remove && user_ids == [actor.user_id];
        if !leaving && !by_role.grants(Permission::ManageMembers) {
            return Err(AppError::Forbidden);
        }
        if let Operation::ChangeRole(role) = operation {
            if !by_role.may_assign(role) {
                return Err(AppError::field(
                    "form",
                    "Only owners can make someone an owner.",
                ));
            }
        }
        let mut owners = usize::try_from(owners).unwrap_or(usize::MAX);
        let mut targets = Vec::new();
        for id in user_ids {
            let Some((membership, Some(user))) = rows.iter().find(|(m, _)| m.user_id == *id) else {
                return Err(AppError::field(
                    "form",
                    "Someone you selected is no longer a member. Reload the list and try again.",
                ));
            };
            let current = membership.role;
            // Anyone may leave; changing someone else needs the right role.
            if !leaving && !by_role.may_assign(current) {
                return Err(AppError::field(
                    "form",
                    format!(
                        "Only owners can change or remove an owner ({}).",
                        user.email
                    ),
                ));
            }
            targets.push((membership, user, current));
        }

        let mut changed = Vec::new();
        for (membership, user, current) in targets {
            let change = match operation {
                Operation::ChangeRole(role) if role == current => continue,
                Operation::ChangeRole(role) => {
                    if current == Role::Owner {
                        owners -= 1;
                    }
                    if role == Role::Owner {
                        owners += 1;
                    }
                    memberships::Entity::update_many()
                        .col_expr(memberships::Column::Role, Expr::value(role.as_str()))
                        .filter(memberships::Column::Id.eq(membership.id))
                        .exec(both.control)
                        .await
                        .map_err(internal)?;
                    Change {
                        action: Action::MemberRoleChange,
                        target: format!("member {}", user.email),
                        before: Some(current.label().to_owned()),
                        after: Some(role.label().to_owned()),
                    }
                }
                Operation::Remove => {
                    if current == Role::Owner {
                        owners -= 1;
                    }
                    memberships::Entity::delete_by_id(membership.id)
                        .exec(both.control)
                        .await
                        .map_err(internal)?;
                    Change {
                        action: Action::MemberRemove,
                        target: format!("member {}", user.email),
                        before: Some(current.label().to_owned()),
                        after: None,
                    }
                }
            };
            both.record(actor, change).await?;
            changed.push(Changed {
                user_id: user.id,
                email: user.email.clone(),
                role: match operation {
                    Operation::ChangeRole(role) => Some(role),
                    Operation::Remove => None,
                },
            });
        }
        if owners == 0 {
            let message = if user_ids == [actor.user_id] {
                "You are the last owner. Make someone else an owner first."
            } else {
                "An organization needs at least one owner. Make someone else an owner first."
            };
            return Err(AppError::field("form", message));
        }
        Ok(changed)
    })
    .await
}
