//! The admins' dashboard's figures from the organization's own database,
//! in four statements whatever its size: the counts, the changes per day,
//! the repositories per team, and the latest changes.

use crate::model::{
    audit::AuditFilter,
    dashboard::{Count, Dashboard, ACTIVITY_DAYS, CHART_TEAMS, RECENT_CHANGES},
    AppError,
};
use crate::server::{
    error::tenant_db,
    org::audit,
    time::{utc_date, Local},
};
use sea_orm::{ConnectionTrait, QueryResult, Statement};
use std::collections::HashMap;

const DAY: i64 = 24 * 60 * 60;

/// The dashboard's figures from the organization's own database as of
/// `now` (Unix seconds), days and times in `local`; what the control plane
/// and the charts add is left at its default for the caller.
///
/// # Errors
/// When the database fails.
pub async fn figures(
    db: &impl ConnectionTrait,
    now: i64,
    local: &Local,
) -> Result<Dashboard, AppError> {
    let counts = one_row(
        db,
        "SELECT \
           (SELECT COUNT(*) FROM teams) AS teams, \
           (SELECT COUNT(*) FROM repositories) AS repositories, \
           (SELECT COUNT(*) FROM repositories \
              WHERE id NOT IN (SELECT repository_id FROM assignments)) AS unassigned, \
           (SELECT COUNT(*) FROM assignments) AS assignments, \
           (SELECT COUNT(*) FROM mapping_rules) AS rules, \
           (SELECT COUNT(*) FROM labels) AS labels, \
           (SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL) AS api_tokens"
            .to_owned(),
    )
    .await?;
    let count = |column: &str| -> Result<u64, AppError> {
        let n: i64 = counts.try_get("", column).map_err(tenant_db)?;
        Ok(u64::try_from(n).unwrap_or(0))
    };
    let teams = count("teams")?;
    let assignments = count("assignments")?;
    let (per_team, other_teams) = per_team(db, teams, assignments).await?;
    let (recent, _) = audit::find(db, &AuditFilter::default(), RECENT_CHANGES, local).await?;
    Ok(Dashboard {
        teams,
        repositories: count("repositories")?,
        unassigned: count("unassigned")?,
        rules: count("rules")?,
        labels: count("labels")?,
        api_tokens: count("api_tokens")?,
        activity: activity(db, now, local).await?,
        per_team,
        other_teams,
        recent,
        ..Dashboard::default()
    })
}

/// Changes per day over the last [`ACTIVITY_DAYS`] days, today included,
/// days without a change too: one grouped count over the audit log's index
/// on `at`. Days are the organization's, at today's offset from UTC (on
/// the days around a change of clocks, an hour of changes may fall on the
/// neighbouring day).
async fn activity(
    db: &impl ConnectionTrait,
    now: i64,
    local: &Local,
) -> Result<Vec<Count>, AppError> {
    let offset = local.offset_at(now);
    let today = (now + offset).div_euclid(DAY);
    let first = today - (ACTIVITY_DAYS as i64 - 1);
    // Integers of the code's own: nothing to bind. `at + offset` is never
    // negative for a change made after 1970.
    let rows = db
        .query_all_raw(statement(
            db,
            format!(
                "SELECT (at + {offset}) / {DAY} AS day, COUNT(*) AS changes FROM audit_log \
                 WHERE at >= {start} GROUP BY (at + {offset}) / {DAY}",
                start = first * DAY - offset
            ),
        ))
        .await
        .map_err(tenant_db)?;
    let mut per_day = HashMap::new();
    for row in rows {
        let day: i64 = row.try_get("", "day").map_err(tenant_db)?;
        let changes: i64 = row.try_get("", "changes").map_err(tenant_db)?;
        per_day.insert(day, u64::try_from(changes).unwrap_or(0));
    }
    Ok((first..=today)
        .map(|day| Count {
            // The local day's label: its midnight, read as UTC.
            label: utc_date(day * DAY),
            count: per_day.get(&day).copied().unwrap_or(0),
        })
        .collect())
}

/// The [`CHART_TEAMS`] teams with the most repositories (a repository two
/// teams own counts for each), and the other teams with theirs together.
async fn per_team(
    db: &impl ConnectionTrait,
    teams: u64,
    assignments: u64,
) -> Result<(Vec<Count>, Option<(u64, u64)>), AppError> {
    let rows = db
        .query_all_raw(statement(
            db,
            format!(
                "SELECT t.name AS name, COUNT(a.repository_id) AS repositories \
                 FROM teams t LEFT JOIN assignments a ON a.team_id = t.id \
                 GROUP BY t.id, t.name ORDER BY repositories DESC, t.name, t.id \
                 LIMIT {CHART_TEAMS}"
            ),
        ))
        .await
        .map_err(tenant_db)?;
    let mut shown = Vec::with_capacity(rows.len());
    for row in rows {
        let count: i64 = row.try_get("", "repositories").map_err(tenant_db)?;
        shown.push(Count {
            label: row.try_get("", "name").map_err(tenant_db)?,
            count: u64::try_from(count).unwrap_or(0),
        });
    }
    let rest = teams.saturating_sub(shown.len() as u64);
    let shown_total: u64 = shown.iter().map(|c| c.count).sum();
    let others = (rest > 0).then(|| (rest, assignments.saturating_sub(shown_total)));
    Ok((shown, others))
}

fn statement(db: &impl ConnectionTrait, sql: String) -> Statement {
    Statement::from_string(db.get_database_backend(), sql)
}

async fn one_row(db: &impl ConnectionTrait, sql: String) -> Result<QueryResult, AppError> {
    db.query_one_raw(statement(db, sql))
        .await
        .map_err(tenant_db)?
        .ok_or_else(|| tenant_db(sea_orm::DbErr::RecordNotFound("counts".into())))
}
