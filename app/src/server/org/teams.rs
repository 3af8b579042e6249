//! Teams, in a tenant's own database.

use crate::model::{
    check_name,
    plans::Cap,
    teams::{Team, TeamRow, HOME_TEAMS, MAX_TEAM_NAME_LEN},
    AppError, FieldErrors,
};
use crate::server::org::{count_by, found, settings::Key};
use crate::server::{
    entities::tenant::{assignments, teams},
    error::tenant_db,
    org::{
        audit::{self, Action, Actor, Change},
        mapping::assignments::{begin, finish},
        quota,
    },
    time::now_unix,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, SqlErr, Statement, TransactionTrait,
};

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Team>, DbErr> {
    Ok(teams::Entity::find()
        .order_by_asc(teams::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|t| Team {
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// What the home page shows of the organization's own database.
#[derive(Debug)]
pub struct HomeFacts {
    /// The first [`HOME_TEAMS`] teams by name.
    pub teams: Vec<Team>,
    pub team_count: u64,
    /// The onboarding setting, if any.
    pub onboarding: Option<String>,
}

/// [`HomeFacts`] in one round trip: the first teams, their count and the
/// onboarding setting in a single statement (one row with no team when
/// there are none).
pub async fn home(db: &impl ConnectionTrait) -> Result<HomeFacts, DbErr> {
    // Every value here is the code's own: nothing to bind.
    let sql = format!(
        "SELECT t.id, t.name, \
           (SELECT COUNT(*) FROM teams) AS team_count, \
           (SELECT value FROM settings WHERE key = '{onboarding}') AS onboarding \
         FROM (SELECT 1 AS one) AS one \
         LEFT JOIN (SELECT id, name FROM teams ORDER BY name, id LIMIT {HOME_TEAMS}) AS t \
           ON 1 = 1 \
         ORDER BY t.name, t.id",
        onboarding = Key::Onboarding.as_str(),
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut facts = HomeFacts {
        teams: Vec::new(),
        team_count: 0,
        onboarding: None,
    };
    for row in rows {
        facts.team_count = u64::try_from(row.try_get::<i64>("", "team_count")?).unwrap_or(0);
        facts.onboarding = row.try_get("", "onboarding")?;
        let id: Option<i64> = row.try_get("", "id")?;
        let name: Option<String> = row.try_get("", "name")?;
        if let (Some(id), Some(name)) = (id, name) {
            facts.teams.push(Team { id, name });
        }
    }
    Ok(facts)
}

/// Every team, by name, with how many repositories it has.
pub async fn rows(db: &impl ConnectionTrait) -> Result<Vec<TeamRow>, DbErr> {
    let found = teams::Entity::find()
        .order_by_asc(teams::Column::Name)
        .all(db)
        .await?;
    with_counts(db, found).await
}

/// Page `index` (0-based) of the teams by name, `per_page` a page, and how
/// many teams there are in all.
pub async fn page(
    db: &impl ConnectionTrait,
    index: u64,
    per_page: u64,
) -> Result<(Vec<TeamRow>, u64), DbErr> {
    let pages = teams::Entity::find()
        .order_by_asc(teams::Column::Name)
        .order_by_asc(teams::Column::Id)
        .paginate(db, per_page);
    let total = pages.num_items().await?;
    let found = pages.fetch_page(index).await?;
    Ok((with_counts(db, found).await?, total))
}

/// The team `id` with how many repositories it has, or `NotFound`.
pub async fn row(db: &impl ConnectionTrait, id: i64) -> Result<TeamRow, AppError> {
    let team = get(db, id).await?;
    let mut rows = with_counts(db, vec![team]).await.map_err(tenant_db)?;
    rows.pop().ok_or(AppError::NotFound)
}

/// `found`, each with how many repositories it has: one grouped count.
async fn with_counts(
    db: &impl ConnectionTrait,
    found: Vec<teams::Model>,
) -> Result<Vec<TeamRow>, DbErr> {
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let counts = count_by::<assignments::Entity>(
        db,
        assignments::Column::TeamId,
        found.iter().map(|t| t.id),
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|t| TeamRow {
            repository_count: counts.get(&t.id).copied().unwrap_or(0),
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// The team `id`, or `NotFound`.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<teams::Model, AppError> {
    found::<teams::Entity>(db, id).await
}

/// The trimmed name, or the errors for the `name` field.
fn checked_name(name: &str) -> Result<String, FieldErrors> {
    let name = name.trim();
    let mut errors = FieldErrors::default().echo("name", name);
    if let Err(message) = check_name(name, MAX_TEAM_NAME_LEN, "Enter a team name.") {
        errors.add("name", message);
    }
    if errors.is_empty() {
        Ok(name.to_owned())
    } else {
        Err(errors)
    }
}

fn name_taken(name: &str) -> AppError {
    AppError::field_echo("name", name, "A team with this name already exists.")
}

/// Whether another team than `except` is called `name`.
async fn taken(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<i64>,
) -> Result<bool, AppError> {
    let mut query = teams::Entity::find().filter(teams::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(teams::Column::Id.ne(id));
    }
    Ok(query.count(db).await.map_err(tenant_db)? > 0)
}

/// The unique index decides between two people saving the same name at once.
fn unique_or(e: DbErr, name: &str) -> AppError {
    if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        name_taken(name)
    } else {
        tenant_db(e)
    }
}

/// Adds a team named `name` (trimmed), and records it in the audit log in
/// the same transaction.
///
/// # Errors
/// `Validation` on the `name` field when it is empty, too long or already
/// used in this organization, or when the organization has as many teams as
/// its plan allows (`cap`); `Internal` when the database fails.
pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    name: &str,
    cap: &Cap,
) -> Result<Team, AppError> {
    let name = checked_name(name).map_err(AppError::Validation)?;
    let txn = begin(db).await?;
    if taken(&txn, &name, None).await? {
        return Err(name_taken(&name));
    }
    quota::check(&txn, cap, teams::Entity::find(), "name")
        .await
        .map_err(|e| e.echoing("name", &name))?;
    let result = teams::Entity::insert(teams::ActiveModel {
        name: Set(name.clone()),
        created_at: Set(now_unix()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| unique_or(e, &name))?;
    let change = Change {
        action: Action::TeamAdd,
        target: format!("team \"{name}\""),
        before: None,
        after: Some(name.clone()),
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)?;
    Ok(Team {
        id: result.last_insert_id,
        name,
    })
}

/// Renames the team `id`.
pub async fn rename(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<Team, AppError> {
    let name = checked_name(name).map_err(AppError::Validation)?;
    let txn = db.begin().await.map_err(tenant_db)?;
    let team = get(&txn, id).await?;
    if team.name == name {
        return Ok(Team { id, name });
    }
    if taken(&txn, &name, Some(id)).await? {
        return Err(name_taken(&name));
    }
    teams::Entity::update(teams::ActiveModel {
        id: Set(id),
        name: Set(name.clone()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| unique_or(e, &name))?;
    let change = Change {
        action: Action::TeamRename,
        target: format!("team \"{}\"", team.name),
        before: Some(team.name),
        after: Some(name.clone()),
    };
    audit::record(&txn, actor, change)
        .await
        .map_err(tenant_db)?;
    txn.commit().await.map_err(tenant_db)?;
    Ok(Team { id, name })
}

/// Removes the team `id`, with its rules, decisions and assignments (the
/// repositories stay).
pub async fn remove(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let txn = begin(db).await?;
    let team = get(&txn, id).await?;
    teams::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(tenant_db)?;
    let change = Change {
        action: Action::TeamRemove,
        target: format!("team \"{}\"", team.name),
        before: Some(team.name),
        after: None,
    };
    finish(txn, actor, Some(change), None).await
}
