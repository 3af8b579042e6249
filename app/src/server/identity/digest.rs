//! The weekly summary: once a week, each active organization's members who
//! want it (`Kind::WeeklyDigest`: off unless the organization or the member
//! turns it on) get how much changed in the last seven days and what is left
//! to do. A background job ([`send_due`]) takes the organizations due, the
//! longest waiting first, a bounded number a round, each through the
//! engine's one door to a tenant database (`tenancy::context::resolve`).

use crate::model::notifications::Kind;
use crate::server::{
    entities::control::{memberships, users},
    identity::members,
    mail::Mailer,
    org::{
        dashboard,
        notifications::{self, Notice},
    },
    settings::Settings,
    time::Local,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tenancy::{
    catalog,
    context::{resolve, TenantCtx},
    directory::TenantDirectory,
    registry::TenantRegistry,
};

/// How often an organization's summary goes out.
pub const EVERY_SECS: i64 = 7 * 24 * 60 * 60;

/// Organizations one round of [`send_due`] takes, at most.
pub const TENANTS_A_ROUND: u64 = 100;

/// Members of one organization who get a summary, at most (the largest
/// organizations' first members by id beyond that wait for the plans that
/// lift it).
pub const RECIPIENTS_AT_MOST: u64 = 10_000;

/// What sending summaries needs of the server.
pub struct Digests<'a> {
    pub control: &'a DatabaseConnection,
    pub directory: &'a TenantDirectory,
    pub registry: &'a TenantRegistry,
    pub mailer: &'a Mailer,
    pub settings: &'a Settings,
}

impl Digests<'_> {
    /// One round: the summaries due at `now`, each organization marked as
    /// done (one that cannot be served now, too: it waits for next week
    /// rather than holding up the others). How many organizations.
    pub async fn send_due(&self, now: i64) -> Result<usize, DbErr> {
        let due = catalog::digests_due(self.control, now, EVERY_SECS, TENANTS_A_ROUND).await?;
        for tenant in &due {
            match resolve(self.directory, self.registry, &tenant.slug).await {
                Ok(ctx) => {
                    if let Err(e) = self.send_one(&ctx, now).await {
                        tracing::warn!(tenant = %tenant.slug, error = %e, "weekly summary not sent");
                    }
                }
                Err(refusal) => {
                    tracing::warn!(tenant = %tenant.slug, ?refusal, "weekly summary skipped");
                }
            }
            catalog::digest_sent(self.control, tenant.id, now).await?;
        }
        Ok(due.len())
    }

    async fn send_one(&self, ctx: &TenantCtx, now: i64) -> Result<(), DbErr> {
        let people: Vec<(i64, String)> = memberships::Entity::find()
            .filter(memberships::Column::TenantId.eq(ctx.tenant.id))
            .inner_join(users::Entity)
            .select_only()
            .column(memberships::Column::UserId)
            .column(users::Column::Email)
            .order_by_asc(memberships::Column::UserId)
            .limit(RECIPIENTS_AT_MOST)
            .into_tuple()
            .all(self.control)
            .await?;
        let mut wanting = std::collections::HashSet::new();
        for chunk in people.chunks(500) {
            let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
            wanting.extend(notifications::wanting(&ctx.db, &ids, Kind::WeeklyDigest).await?);
        }
        if wanting.is_empty() {
            return Ok(());
        }
        let local = Local::of(&ctx.tenant);
        let figures = dashboard::figures(&ctx.db, now, &local)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        let (members, pending) = members::headcount(self.control, ctx.tenant.id).await?;
        let changes: u64 = figures.activity.iter().rev().take(7).map(|c| c.count).sum();
        let org = &ctx.tenant.name;
        let mut paragraphs = vec![
            "Hello,".to_owned(),
            format!("In the last 7 days, {org} saw {changes} changes."),
            format!(
                "It has {members} members and {pending} open invitations, {} teams, and {} \
                 repositories, {} of them without a team.",
                figures.teams, figures.repositories, figures.unassigned
            ),
        ];
        if figures.unassigned > 0 {
            paragraphs.push(
                "Repositories without a team wait for a rule or a decision on the \
                 repositories page."
                    .to_owned(),
            );
        }
        let host = format!("{}.{}", ctx.tenant.slug, self.settings.base_domain);
        let tenant_url = self.settings.url_for(&host, "");
        let notices = people
            .into_iter()
            .filter(|(id, _)| wanting.contains(id))
            .map(|(user_id, to)| Notice {
                kind: Kind::WeeklyDigest,
                user_id,
                to,
                subject: format!("This week in {org}"),
                paragraphs: paragraphs.clone(),
                action: (format!("Open {org}"), format!("{tenant_url}/")),
            })
            .collect();
        notifications::send(self.mailer, &ctx.db, &ctx.tenant, &tenant_url, notices).await
    }
}
