//! Keeping the stored assignments equal to what the mapping engine derives
//! from the repositories, labels, rules and manual decisions, and reading
//! them back with their reasons.
//!
//! Every change to an input calls [`lock`] first and [`recompute`] before
//! it commits, in the same transaction: the assignments never disagree
//! with their inputs, and two changes at once queue up instead of each
//! computing from a state the other is about to change. Removing a team or
//! a repository takes the lock too but needs no recompute: the foreign
//! keys delete its assignments, and the engine decides each team apart.

use crate::model::{
    mapping::{Decision, Ownership, RuleTarget, Why},
    AppError,
};
use crate::server::org::settings as org_settings;
use crate::server::{
    cpu,
    entities::tenant::{
        assignments, labels, manual_decisions, mapping_rules, repositories, repository_labels,
        teams,
    },
    error::{internal, tenant_db},
    org::{
        audit::{self, Actor, Change},
        mapping::engine::{self, Engine, Override, Reason},
    },
    time::now_unix,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};

/// Rows written per statement: well under both backends' parameter limits.
const CHUNK: usize = 500;
/// Beyond this many repositories, recomputing all of them is cheaper than
/// listing their ids.
const SCOPE_LIMIT: usize = 500;

/// Which repositories a change can have moved.
pub enum Scope {
    /// A rule or a label changed: any repository.
    All,
    /// These repositories (or their labels or decisions) changed.
    Repositories(Vec<i64>),
}

/// Serializes changes to the mapping's inputs within one organization:
/// the first statement of the transaction is a write to one settings row,
/// which PostgreSQL locks until commit and SQLite answers by taking its
/// write lock.
pub async fn lock(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    org_settings::put(
        db,
        org_settings::Key::MappingChangedAt,
        &now_unix().to_string(),
    )
    .await
}

/// Why the row's repository belongs to its team, as stored. A row that does
/// not parse (it never should: only [`recompute`] writes them) counts as no
/// reason, and says so in the log.
pub fn reasons_of(row: &assignments::Model) -> Vec<Reason> {
    serde_json::from_str(&row.reasons).unwrap_or_else(|e| {
        tracing::error!(
            repository_id = row.repository_id,
            team_id = row.team_id,
            error = %e,
            "an assignment's reasons do not parse"
        );
        Vec::new()
    })
}

/// Starts a change to the mapping's inputs: its transaction, with the
/// [`lock`] taken as its first statement. End it with [`finish`].
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, AppError> {
    let txn = db.begin().await.map_err(tenant_db)?;
    lock(&txn).await.map_err(tenant_db)?;
    Ok(txn)
}

/// Ends a change to the mapping's inputs, in its transaction: its audit
/// entry (none when nothing changed), the recompute of `scope` (none when
/// the foreign keys already removed what the change took away), the commit.
pub async fn finish(
    txn: DatabaseTransaction,
    actor: &Actor,
    change: Option<Change>,
    scope: Option<Scope>,
) -> Result<(), AppError> {
    if let Some(change) = change {
        audit::record(&txn, actor, change)
            .await
            .map_err(tenant_db)?;
    }
    if let Some(scope) = scope {
        recompute(&txn, scope).await?;
    }
    txn.commit().await.map_err(tenant_db)
}

/// Rewrites the assignments of the repositories in `scope` to what the
/// engine derives now. Only rows that changed are written. Compiling the
/// rules and matching the repositories run on the CPU pool, off the async
/// workers.
///
/// # Errors
/// `Unavailable` when the database fails, `Busy` when the CPU pool has no
/// room, `Internal` for a stored rule the engine refuses.
pub async fn recompute(db: &impl ConnectionTrait, scope: Scope) -> Result<(), AppError> {
    let only = match scope {
        Scope::Repositories(ids) if ids.len() <= SCOPE_LIMIT => Some(ids),
        _ => None,
    };
    if only.as_ref().is_some_and(Vec::is_empty) {
        return Ok(());
    }
    let repository_filter = |column: repositories::Column| match &only {
        Some(ids) => Condition::all().add(column.is_in(ids.clone())),
        None => Condition::all(),
    };

    let label_names = label_names(db).await.map_err(tenant_db)?;
    let rules: Vec<engine::Rule> = rules(db, &label_names)
        .await
        .map_err(tenant_db)?
        .into_iter()
        .map(|(id, team_id, target)| engine::Rule {
            id,
            team_id,
            matcher: match target {
                RuleTarget::Pattern { pattern } => engine::Matcher::Pattern(pattern),
                RuleTarget::Label { label, .. } => engine::Matcher::Label(label),
            },
        })
        .collect();

    let mut found: Vec<engine::Repository> = repositories::Entity::find()
        .filter(repository_filter(repositories::Column::Id))
        .all(db)
        .await
        .map_err(tenant_db)?
        .into_iter()
        .map(|r| engine::Repository {
            id: r.id,
            name: r.name,
            labels: Vec::new(),
        })
        .collect();
    let index: HashMap<i64, usize> = found.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut label_rows = repository_labels::Entity::find();
    let mut decision_rows = manual_decisions::Entity::find();
    let mut stored_rows = assignments::Entity::find();
    if let Some(ids) = &only {
        label_rows = label_rows.filter(repository_labels::Column::RepositoryId.is_in(ids.clone()));
        decision_rows =
            decision_rows.filter(manual_decisions::Column::RepositoryId.is_in(ids.clone()));
        stored_rows = stored_rows.filter(assignments::Column::RepositoryId.is_in(ids.clone()));
    }
    for row in label_rows.all(db).await.map_err(tenant_db)? {
        if let (Some(&i), Some(name)) = (
            index.get(&row.repository_id),
            label_names.get(&row.label_id),
        ) {
            found[i].labels.push(name.clone());
        }
    }
    let overrides: Vec<Override> = decision_rows
        .all(db)
        .await
        .map_err(tenant_db)?
        .into_iter()
        .filter_map(|d| match Decision::parse(&d.decision)? {
            Decision::Assign => Some(Override::Assign {
                repository_id: d.repository_id,
                team_id: d.team_id,
            }),
            Decision::Exclude => Some(Override::Exclude {
                repository_id: d.repository_id,
                team_id: d.team_id,
            }),
        })
        .collect();

    let wanted: BTreeMap<(i64, i64), String> = cpu::shared()
        .run(move || {
            let engine = Engine::new(&rules)?;
            Ok::<_, engine::RuleError>(
                engine
                    .assign(&found, &overrides)
                    .into_iter()
                    .map(|a| {
                        let reasons =
                            serde_json::to_string(&a.reasons).unwrap_or_else(|_| "[]".to_owned());
                        ((a.repository_id, a.team_id), reasons)
                    })
                    .collect(),
            )
        })
        .await?
        .map_err(internal)?;
    let stored: BTreeMap<(i64, i64), String> = stored_rows
        .all(db)
        .await
        .map_err(tenant_db)?
        .into_iter()
        .map(|a| ((a.repository_id, a.team_id), a.reasons))
        .collect();

    // A changed row is deleted and inserted again.
    let mut stale: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (&(repository_id, team_id), reasons) in &stored {
        if wanted.get(&(repository_id, team_id)) != Some(reasons) {
            stale.entry(team_id).or_default().push(repository_id);
        }
    }
    for (team_id, repository_ids) in stale {
        for chunk in repository_ids.chunks(CHUNK) {
            assignments::Entity::delete_many()
                .filter(assignments::Column::TeamId.eq(team_id))
                .filter(assignments::Column::RepositoryId.is_in(chunk.to_vec()))
                .exec(db)
                .await
                .map_err(tenant_db)?;
        }
    }
    let fresh: Vec<assignments::ActiveModel> = wanted
        .into_iter()
        .filter(|(key, reasons)| stored.get(key) != Some(reasons))
        .map(
            |((repository_id, team_id), reasons)| assignments::ActiveModel {
                repository_id: Set(repository_id),
                team_id: Set(team_id),
                reasons: Set(reasons),
            },
        )
        .collect();
    for chunk in fresh.chunks(CHUNK) {
        assignments::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .map_err(tenant_db)?;
    }
    Ok(())
}

/// The teams of each of `repository_ids`, by team name, with the reasons
/// spelled out.
pub async fn ownerships(
    db: &impl ConnectionTrait,
    repository_ids: &[i64],
) -> Result<HashMap<i64, Vec<Ownership>>, DbErr> {
    let mut out: HashMap<i64, Vec<Ownership>> = HashMap::new();
    if repository_ids.is_empty() {
        return Ok(out);
    }
    let mut rows = Vec::new();
    for chunk in repository_ids.chunks(CHUNK) {
        rows.extend(
            assignments::Entity::find()
                .filter(assignments::Column::RepositoryId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    let team_names = team_names(db).await?;
    let rules = rule_targets(db).await?;
    for row in rows {
        let reasons = reasons_of(&row);
        let why = reasons
            .into_iter()
            .map(|reason| match reason {
                Reason::Manual => Why::Manual,
                Reason::Pattern { rule_id } => Why::Pattern {
                    rule_id,
                    pattern: match rules.get(&rule_id) {
                        Some(RuleTarget::Pattern { pattern }) => pattern.clone(),
                        _ => String::new(),
                    },
                },
                Reason::Label { rule_id, label } => Why::Label {
                    rule_id,
                    label: match rules.get(&rule_id) {
                        Some(RuleTarget::Label { label, .. }) => label.clone(),
                        _ => label,
                    },
                },
            })
            .collect();
        out.entry(row.repository_id).or_default().push(Ownership {
            team_id: row.team_id,
            team_name: team_names.get(&row.team_id).cloned().unwrap_or_default(),
            why,
        });
    }
    for teams in out.values_mut() {
        teams.sort_by(|a, b| a.team_name.cmp(&b.team_name));
    }
    Ok(out)
}

pub async fn team_names(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, DbErr> {
    Ok(teams::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

async fn label_names(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, DbErr> {
    Ok(labels::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect())
}

/// Every rule as `(id, team id, target)`, with label names resolved.
async fn rules(
    db: &impl ConnectionTrait,
    label_names: &HashMap<i64, String>,
) -> Result<Vec<(i64, i64, RuleTarget)>, DbErr> {
    Ok(mapping_rules::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|rule| {
            let target = match (rule.pattern, rule.label_id) {
                (Some(pattern), _) => RuleTarget::Pattern { pattern },
                (None, Some(label_id)) => RuleTarget::Label {
                    label_id,
                    label: label_names.get(&label_id)?.clone(),
                },
                (None, None) => return None,
            };
            Some((rule.id, rule.team_id, target))
        })
        .collect())
}

/// Every rule's target, by rule id.
pub async fn rule_targets(db: &impl ConnectionTrait) -> Result<HashMap<i64, RuleTarget>, DbErr> {
    let label_names = label_names(db).await?;
    Ok(rules(db, &label_names)
        .await?
        .into_iter()
        .map(|(id, _, target)| (id, target))
        .collect())
}
