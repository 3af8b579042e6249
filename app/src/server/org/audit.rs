//! The organization's audit log, in its own database: written by every
//! mutation in the mutation's transaction, read by the audit page and its
//! CSV export. A change kept in the control plane is audited here through
//! [`audited`].

use crate::model::{
    audit::{AuditEntry, AuditFilter, AuditPage},
    AppError, FieldErrors,
};
use crate::server::{
    entities::tenant::audit_log,
    error::{internal, tenant_db},
    like::containing,
    time::{now_unix, utc_datetime, Local},
};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

/// Most entries one page (or one export) holds.
pub const PAGE_LIMIT: u64 = 500;
/// Most entries one CSV export holds.
pub const EXPORT_LIMIT: u64 = 100_000;

/// Who made a change, and from where.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: i64,
    pub email: String,
    pub ip: String,
}

/// Every kind of change the organization's audit log records: its
/// vocabulary in one place. Stored as [`Action::as_str`] (`team.add`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ApiTokenCreate,
    ApiTokenRevoke,
    DomainAdd,
    DomainRemove,
    DomainUnverify,
    DomainVerify,
    InvitationBlock,
    InvitationCreate,
    InvitationResend,
    InvitationRevoke,
    LabelAdd,
    LabelRemove,
    LabelRename,
    MemberJoin,
    MemberRemove,
    MemberRoleChange,
    NotificationChoices,
    NotificationDefaults,
    OnboardingProgress,
    OrganizationBranding,
    OrganizationDelete,
    OrganizationDisplay,
    OrganizationLogo,
    OrganizationPlan,
    OrganizationRename,
    OrganizationSubdomain,
    RepositoryAdd,
    RepositoryDecision,
    RepositoryLabels,
    RepositoryRemove,
    RepositoryRename,
    RuleAdd,
    RuleRemove,
    RuleUpdate,
    TeamAdd,
    TeamRemove,
    TeamRename,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ApiTokenCreate => "api_token.create",
            Action::ApiTokenRevoke => "api_token.revoke",
            Action::DomainAdd => "domain.add",
            Action::DomainRemove => "domain.remove",
            Action::DomainUnverify => "domain.unverify",
            Action::DomainVerify => "domain.verify",
            Action::InvitationBlock => "invitation.block",
            Action::InvitationCreate => "invitation.create",
            Action::InvitationResend => "invitation.resend",
            Action::InvitationRevoke => "invitation.revoke",
            Action::LabelAdd => "label.add",
            Action::LabelRemove => "label.remove",
            Action::LabelRename => "label.rename",
            Action::MemberJoin => "member.join",
            Action::MemberRemove => "member.remove",
            Action::MemberRoleChange => "member.role_change",
            Action::NotificationChoices => "notification.choices",
            Action::NotificationDefaults => "notification.defaults",
            Action::OnboardingProgress => "onboarding.progress",
            Action::OrganizationBranding => "organization.branding",
            Action::OrganizationDelete => "organization.delete",
            Action::OrganizationDisplay => "organization.display",
            Action::OrganizationLogo => "organization.logo",
            Action::OrganizationPlan => "organization.plan",
            Action::OrganizationRename => "organization.rename",
            Action::OrganizationSubdomain => "organization.subdomain",
            Action::RepositoryAdd => "repository.add",
            Action::RepositoryDecision => "repository.decision",
            Action::RepositoryLabels => "repository.labels",
            Action::RepositoryRemove => "repository.remove",
            Action::RepositoryRename => "repository.rename",
            Action::RuleAdd => "rule.add",
            Action::RuleRemove => "rule.remove",
            Action::RuleUpdate => "rule.update",
            Action::TeamAdd => "team.add",
            Action::TeamRemove => "team.remove",
            Action::TeamRename => "team.rename",
        }
    }
}

/// One change to record.
pub struct Change {
    pub action: Action,
    /// What was changed, as users name it.
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Records `change` by someone who is no user of Tenantry, named by their
/// address (an invited person who asked not to be invited again).
pub async fn record_by_address(
    db: &impl ConnectionTrait,
    email: &str,
    ip: &str,
    change: Change,
) -> Result<(), DbErr> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        at: Set(now_unix()),
        actor_id: Set(None),
        actor_email: Set(email.to_owned()),
        action: Set(change.action.as_str().to_owned()),
        target: Set(truncate(&change.target, 200)),
        before: Set(change.before),
        after: Set(change.after),
        ip: Set(Some(ip.to_owned())),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Records `change` by `actor`. Call it inside the change's transaction.
pub async fn record(db: &impl ConnectionTrait, actor: &Actor, change: Change) -> Result<(), DbErr> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        at: Set(now_unix()),
        actor_id: Set(Some(actor.user_id)),
        actor_email: Set(actor.email.clone()),
        action: Set(change.action.as_str().to_owned()),
        target: Set(truncate(&change.target, 200)),
        before: Set(change.before),
        after: Set(change.after),
        ip: Set(Some(actor.ip.clone())),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The two transactions of a change that spans the control plane and an
/// organization's database.
pub struct Spanning<'a> {
    /// Where the change itself is made: memberships, invitations, the
    /// tenant's row.
    pub control: &'a DatabaseTransaction,
    /// The organization's, which the change's audit entries join; for
    /// whatever else the change writes there.
    pub tenant: &'a DatabaseTransaction,
}

impl Spanning<'_> {
    /// Records `change` by `actor` in the organization's transaction.
    pub async fn record(&self, actor: &Actor, change: Change) -> Result<(), AppError> {
        record(self.tenant, actor, change).await.map_err(tenant_db)
    }
}

/// Makes a change kept in the control plane, audited in the organization's
/// database `tenant`. The two cannot share a transaction, so the order of
/// the commits is the rule: `apply` makes the change and records it
/// ([`Spanning::record`]); the organization's transaction commits first,
/// the control plane's second. A failure between the two commits can leave
/// an entry for a change that did not happen, never a change without its
/// entry. An error from `apply` commits nothing.
///
/// The organization's transaction is begun first, so a tenant whose
/// database is down is refused before any control-plane row is locked.
pub async fn audited<T>(
    tenant: &DatabaseConnection,
    control: &DatabaseConnection,
    apply: impl AsyncFnOnce(&Spanning<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let log = tenant.begin().await.map_err(tenant_db)?;
    let txn = control.begin().await.map_err(internal)?;
    let value = apply(&Spanning {
        control: &txn,
        tenant: &log,
    })
    .await?;
    log.commit().await.map_err(tenant_db)?;
    txn.commit().await.map_err(internal)?;
    Ok(value)
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// Reads the filter, its days in the organization's time zone, or says
/// which field is wrong.
fn bounds(filter: &AuditFilter, local: &Local) -> Result<(Option<i64>, Option<i64>), AppError> {
    let mut errors = FieldErrors::default()
        .echo("actor", &filter.actor)
        .echo("action", &filter.action)
        .echo("from", &filter.from)
        .echo("to", &filter.to);
    if let Some(problem) = crate::model::search_problem(&filter.actor) {
        errors.add("actor", problem);
    }
    let mut day = |field: &str, text: &str, bound: fn(&Local, &str) -> Option<i64>| {
        if text.trim().is_empty() {
            return None;
        }
        let at = bound(local, text);
        if at.is_none() {
            errors.add(field, "Enter a date like 2026-11-23.");
        }
        at
    };
    let from = day("from", &filter.from, Local::day_start);
    let to = day("to", &filter.to, Local::day_end);
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            errors.add("to", "The last day comes before the first.");
        }
    }
    errors.into_result()?;
    Ok((from, to))
}

/// The entries matching `filter`, newest first, at most `limit`, plus
/// whether more matched; days and times in `local`.
pub async fn find(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    limit: u64,
    local: &Local,
) -> Result<(Vec<AuditEntry>, bool), AppError> {
    let (from, to) = bounds(filter, local)?;
    let mut query = audit_log::Entity::find();
    let actor = filter.actor.trim().to_lowercase();
    if !actor.is_empty() {
        query = query.filter(Expr::col(audit_log::Column::ActorEmail).like(containing(&actor)));
    }
    if !filter.action.trim().is_empty() {
        query = query.filter(audit_log::Column::Action.eq(filter.action.trim()));
    }
    if let Some(from) = from {
        query = query.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(audit_log::Column::At.lt(to));
    }
    let mut rows = query
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await
        .map_err(tenant_db)?;
    let truncated = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((
        rows.into_iter().map(|row| entry(row, local)).collect(),
        truncated,
    ))
}

/// A page of the log and the actions to filter by.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    local: &Local,
) -> Result<AuditPage, AppError> {
    let (entries, truncated) = find(db, filter, PAGE_LIMIT, local).await?;
    let actions = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Action)
        .distinct()
        .order_by_asc(audit_log::Column::Action)
        .into_tuple::<String>()
        .all(db)
        .await
        .map_err(tenant_db)?;
    Ok(AuditPage {
        entries,
        actions,
        truncated,
    })
}

fn entry(row: audit_log::Model, local: &Local) -> AuditEntry {
    AuditEntry {
        id: row.id,
        at: row.at,
        when: local.datetime(row.at),
        actor_email: row.actor_email,
        action: row.action,
        target: row.target,
        before: row.before,
        after: row.after,
        ip: row.ip,
    }
}

/// The entries as CSV (RFC 4180), with a header row. A cell that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) is
/// prefixed with `'`.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("time,actor,action,target,before,after,ip\r\n");
    for e in entries {
        let cells = [
            // In UTC, whatever the organization's zone: a file for
            // machines, sorted and compared across organizations.
            &utc_datetime(e.at),
            &e.actor_email,
            &e.action,
            &e.target,
            e.before.as_deref().unwrap_or(""),
            e.after.as_deref().unwrap_or(""),
            e.ip.as_deref().unwrap_or(""),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_cell(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_local_midnights_and_bad_dates_are_refused() {
        let utc = Local::utc();
        assert_eq!(utc.day_start("1970-01-02"), Some(86_400));
        assert_eq!(utc.day_start("2026-02-30"), None);
        assert_eq!(utc.day_start("yesterday"), None);
        let filter = AuditFilter {
            from: "2026-11-23".into(),
            to: "2026-11-22".into(),
            ..Default::default()
        };
        let error = bounds(&filter, &utc).unwrap_err();
        assert!(error.field_error("to").is_some(), "{error:?}");
        let filter = AuditFilter {
            from: "soon".into(),
            ..Default::default()
        };
        assert_eq!(
            bounds(&filter, &utc)
                .unwrap_err()
                .field_error("from")
                .as_deref(),
            Some("Enter a date like 2026-11-23.")
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    }
}
