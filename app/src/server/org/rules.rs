//! Mapping rules: a pattern on repository names, or a label, gives
//! repositories to a team. Patterns are checked when saved; every change
//! recomputes all assignments in its transaction.

use crate::model::{
    mapping::{MappingRule, Preview, MAX_PATTERN_RULES},
    plans::Cap,
    quota::Limit,
    AppError, FieldErrors,
};
use crate::server::org::found;
use crate::server::{
    entities::tenant::{assignments, mapping_rules, teams as team_entity},
    error::tenant_db,
    org::{
        audit::{Action, Actor, Change},
        labels::find_or_create,
        mapping::{
            assignments::{begin, finish, reasons_of, rule_targets, team_names, Scope},
            engine::{compile_pattern, Engine, Reason},
        },
        quota, repositories, teams,
    },
    time::now_unix,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use std::collections::HashMap;

/// Most matches a preview lists by name.
pub const PREVIEW_NAMES: usize = 50;

/// What a rule is asked to look for, as typed.
#[derive(Clone, Debug)]
pub enum RuleInput {
    Pattern(String),
    Label(String),
}

impl RuleInput {
    /// Why [`RuleInput::from_parts`] found no rule.
    pub const NEITHER_OR_BOTH: &'static str = "Give either a pattern or a label.";

    /// The rule that exactly one of `pattern` and `label` describes.
    pub fn from_parts(pattern: Option<String>, label: Option<String>) -> Option<RuleInput> {
        match (pattern, label) {
            (Some(pattern), None) => Some(RuleInput::Pattern(pattern)),
            (None, Some(label)) => Some(RuleInput::Label(label)),
            _ => None,
        }
    }

    fn field(&self) -> &'static str {
        match self {
            RuleInput::Pattern(_) => "pattern",
            RuleInput::Label(_) => "label",
        }
    }

    fn text(&self) -> &str {
        match self {
            RuleInput::Pattern(text) | RuleInput::Label(text) => text.trim(),
        }
    }
}

/// Every rule, by team and then by creation, with how many repositories
/// each gives its team now.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<MappingRule>, DbErr> {
    shown(db, None).await
}

/// Page `index` (0-based) of the rules in [`list`]'s order, `per_page` a
/// page, and how many rules there are in all.
pub async fn page(
    db: &impl ConnectionTrait,
    index: u64,
    per_page: u64,
) -> Result<(Vec<MappingRule>, u64), DbErr> {
    let pages = mapping_rules::Entity::find()
        .join(JoinType::InnerJoin, mapping_rules::Relation::Team.def())
        .order_by_asc(team_entity::Column::Name)
        .order_by_asc(mapping_rules::Column::Id)
        .select_only()
        .column(mapping_rules::Column::Id)
        .into_tuple::<i64>()
        .paginate(db, per_page);
    let total = pages.num_items().await?;
    let ids = pages.fetch_page(index).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), total));
    }
    Ok((shown(db, Some(&ids)).await?, total))
}

/// The rule `id` as the API shows it, or `NotFound`.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<MappingRule, AppError> {
    shown(db, Some(&[id]))
        .await
        .map_err(tenant_db)?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Every rule, or only the rule `only`, as pages and the API show them.
async fn shown(db: &impl ConnectionTrait, only: Option<&[i64]>) -> Result<Vec<MappingRule>, DbErr> {
    let mut query = mapping_rules::Entity::find().order_by_asc(mapping_rules::Column::Id);
    if let Some(ids) = only {
        query = query.filter(mapping_rules::Column::Id.is_in(ids.iter().copied()));
    }
    let found = query.all(db).await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let names = team_names(db).await?;
    let mut targets = rule_targets(db).await?;
    // A rule's reasons are only in its own team's assignments.
    let mut assigned = assignments::Entity::find();
    if only.is_some() {
        assigned = assigned
            .filter(assignments::Column::TeamId.is_in(found.iter().map(|rule| rule.team_id)));
    }
    let mut counts: HashMap<i64, u64> = HashMap::new();
    for row in assigned.all(db).await? {
        let reasons = reasons_of(&row);
        for reason in reasons {
            if let Reason::Pattern { rule_id } | Reason::Label { rule_id, .. } = reason {
                *counts.entry(rule_id).or_default() += 1;
            }
        }
    }
    let mut rules: Vec<MappingRule> = found
        .into_iter()
        .filter_map(|rule| {
            Some(MappingRule {
                id: rule.id,
                team_id: rule.team_id,
                team_name: names.get(&rule.team_id)?.clone(),
                target: targets.remove(&rule.id)?,
                repository_count: counts.get(&rule.id).copied().unwrap_or(0),
            })
        })
        .collect();
    rules.sort_by(|a, b| a.team_name.cmp(&b.team_name).then(a.id.cmp(&b.id)));
    Ok(rules)
}

/// A rule that passed [`checked`]: the columns to store, and how the audit
/// log describes it.
struct CheckedRule {
    team_id: i64,
    pattern: Option<String>,
    label_id: Option<i64>,
    described: String,
}

/// How many pattern rules the organization has, `except` the one being
/// changed.
async fn pattern_rules_besides(
    txn: &impl ConnectionTrait,
    except: Option<i64>,
) -> Result<u64, AppError> {
    let mut query =
        mapping_rules::Entity::find().filter(mapping_rules::Column::Pattern.is_not_null());
    if let Some(id) = except {
        query = query.filter(mapping_rules::Column::Id.ne(id));
    }
    query.count(txn).await.map_err(tenant_db)
}

/// Checks the team and the input; the columns to store, or field errors.
async fn checked(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    team_id: Option<i64>,
    input: &RuleInput,
    except: Option<i64>,
    cap: Option<&Cap>,
) -> Result<CheckedRule, AppError> {
    let field = input.field();
    let text = input.text();
    let mut errors = FieldErrors::default().echo(field, text);
    let team = match team_id {
        Some(id) => teams::get(txn, id).await.map(Some).or_else(|e| match e {
            AppError::NotFound => Ok(None),
            other => Err(other),
        })?,
        None => None,
    };
    if team.is_none() {
        errors.add("team_id", "Choose the team the rule gives repositories to.");
    }
    match input {
        RuleInput::Pattern(pattern) => {
            if let Err(message) = compile_pattern(pattern) {
                errors.add(field, message);
            } else if pattern_rules_besides(txn, except).await? >= MAX_PATTERN_RULES {
                errors.add(
                    field,
                    format!(
                        "An organization can have at most {MAX_PATTERN_RULES} pattern rules. \
                         Remove one first, or use a label rule."
                    ),
                );
            }
        }
        RuleInput::Label(label) => {
            if let Err(message) = crate::model::mapping::check_label(label.trim()) {
                errors.add(field, message);
            }
        }
    }
    if let Some(cap) = cap {
        if quota::room(txn, cap, mapping_rules::Entity::find()).await? == 0 {
            errors.add(field, cap.reached());
        }
    }
    errors.into_result()?;
    let team = team.ok_or(AppError::NotFound)?;
    let (pattern, label_id, described) = match input {
        RuleInput::Pattern(_) => (Some(text.to_owned()), None, format!("name matches {text}")),
        RuleInput::Label(_) => {
            let label = find_or_create(txn, actor, text, field).await?;
            (None, Some(label.id), format!("label {}", label.name))
        }
    };
    let duplicate = mapping_rules::Entity::find()
        .filter(mapping_rules::Column::TeamId.eq(team.id))
        .all(txn)
        .await
        .map_err(tenant_db)?
        .into_iter()
        .any(|r| Some(r.id) != except && r.pattern == pattern && r.label_id == label_id);
    if duplicate {
        return Err(AppError::field_echo(
            field,
            text,
            format!("{} already has this rule.", team.name),
        ));
    }
    Ok(CheckedRule {
        team_id: team.id,
        pattern,
        label_id,
        described: format!("team \"{}\": {described}", team.name),
    })
}

/// Adds a rule giving the repositories that match `input` to `team_id`.
pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    team_id: Option<i64>,
    input: RuleInput,
    cap: &Cap,
) -> Result<i64, AppError> {
    let txn = begin(db).await?;
    let rule = checked(&txn, actor, team_id, &input, None, Some(cap)).await?;
    let described = rule.described;
    let rule = mapping_rules::Entity::insert(mapping_rules::ActiveModel {
        team_id: Set(rule.team_id),
        pattern: Set(rule.pattern),
        label_id: Set(rule.label_id),
        created_at: Set(now_unix()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(tenant_db)?;
    let change = Change {
        action: Action::RuleAdd,
        target: format!("rule {}", rule.last_insert_id),
        before: None,
        after: Some(described),
    };
    finish(txn, actor, Some(change), Some(Scope::All)).await?;
    Ok(rule.last_insert_id)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<mapping_rules::Model, AppError> {
    found::<mapping_rules::Entity>(db, id).await
}

/// How a stored rule reads in the audit log.
async fn described(db: &impl ConnectionTrait, id: i64) -> Result<String, AppError> {
    let rule = get(db, id).await?;
    Ok(format!("team \"{}\": {}", rule.team_name, rule.describe()))
}

/// Changes the rule `id` to give the repositories matching `input` to
/// `team_id`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    team_id: Option<i64>,
    input: RuleInput,
) -> Result<(), AppError> {
    let txn = begin(db).await?;
    find(&txn, id).await?;
    let before = described(&txn, id).await?;
    let rule = checked(&txn, actor, team_id, &input, Some(id), None).await?;
    let after = rule.described;
    mapping_rules::Entity::update(mapping_rules::ActiveModel {
        id: Set(id),
        team_id: Set(rule.team_id),
        pattern: Set(rule.pattern),
        label_id: Set(rule.label_id),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(tenant_db)?;
    let change = (before != after).then(|| Change {
        action: Action::RuleUpdate,
        target: format!("rule {id}"),
        before: Some(before),
        after: Some(after),
    });
    finish(txn, actor, change, Some(Scope::All)).await
}

/// Removes the rule `id`; the repositories it gave keep their other teams.
pub async fn remove(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let txn = begin(db).await?;
    find(&txn, id).await?;
    let before = described(&txn, id).await?;
    mapping_rules::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: Action::RuleRemove,
        target: format!("rule {id}"),
        before: Some(before),
        after: None,
    };
    finish(txn, actor, Some(change), Some(Scope::All)).await
}

/// Which repositories `pattern` would match: the live preview.
pub async fn preview(db: &impl ConnectionTrait, pattern: &str) -> Result<Preview, DbErr> {
    if pattern.trim().is_empty() {
        return Ok(Preview::default());
    }
    let regex = match compile_pattern(pattern) {
        Ok(regex) => regex,
        Err(message) => {
            return Ok(Preview {
                error: Some(message),
                ..Preview::default()
            })
        }
    };
    let names = repositories::names(db).await?;
    let matched = Engine::preview(&regex, &names);
    Ok(Preview {
        total: matched.len() as u64,
        names: matched
            .into_iter()
            .take(PREVIEW_NAMES)
            .map(str::to_owned)
            .collect(),
        error: None,
    })
}
