//! The same organization stored in a real SQLite tenant database (all tenant
//! migrations applied): what the recompute that writes every assignment
//! costs there, the one after a rule changes, and reading the rules.

use crate::ms;
use app::server::org::mapping::engine::{Matcher, Override, Repository, Rule};
use std::time::Instant;

/// The same organization in a SQLite tenant database: the recompute that
/// writes every assignment, then recomputes after one pattern changes.
pub async fn stored(
    repositories: &[Repository],
    rules: &[Rule],
    overrides: &[Override],
    runs: usize,
) {
    use app::server::{
        entities::tenant::{
            labels, manual_decisions, mapping_rules, repositories as repos, repository_labels,
            teams,
        },
        org::mapping::assignments::{recompute, Scope},
    };
    use migration::{MigratorTrait, TenantMigrator};
    use sea_orm::{ActiveValue::Set, ConnectionTrait, Database, EntityTrait};
    use std::collections::HashMap;

    let dir = std::env::temp_dir().join(format!("tenantry-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("tenant.db");
    let db = Database::connect(format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .expect("SQLite opens");
    TenantMigrator::up(&db, None).await.expect("migrations run");
    let rows = |n: usize| (0..n).collect::<Vec<_>>();
    for chunk in rows(25).chunks(500) {
        teams::Entity::insert_many(chunk.iter().map(|i| teams::ActiveModel {
            id: Set(*i as i64 + 1),
            name: Set(format!("team-{i}")),
            created_at: Set(0),
        }))
        .exec_without_returning(&db)
        .await
        .expect("teams");
    }
    let mut label_ids: HashMap<String, i64> = HashMap::new();
    for r in repositories {
        for l in &r.labels {
            let next = label_ids.len() as i64 + 1;
            label_ids.entry(l.to_lowercase()).or_insert(next);
        }
    }
    for rule in rules {
        if let Matcher::Label(l) = &rule.matcher {
            let next = label_ids.len() as i64 + 1;
            label_ids.entry(l.to_lowercase()).or_insert(next);
        }
    }
    let all_labels: Vec<_> = label_ids.iter().collect();
    for chunk in all_labels.chunks(500) {
        labels::Entity::insert_many(chunk.iter().map(|(name, id)| labels::ActiveModel {
            id: Set(**id),
            name: Set((*name).clone()),
            name_key: Set((*name).clone()),
            created_at: Set(0),
        }))
        .exec_without_returning(&db)
        .await
        .expect("labels");
    }
    for chunk in repositories.chunks(500) {
        repos::Entity::insert_many(chunk.iter().map(|r| repos::ActiveModel {
            id: Set(r.id),
            name: Set(r.name.clone()),
            name_key: Set(r.name.to_lowercase()),
            url: Set(None),
            created_at: Set(0),
        }))
        .exec_without_returning(&db)
        .await
        .expect("repositories");
        let carried: Vec<_> = chunk
            .iter()
            .flat_map(|r| {
                let mut ids: Vec<i64> = r
                    .labels
                    .iter()
                    .map(|l| label_ids[&l.to_lowercase()])
                    .collect();
                ids.sort();
                ids.dedup();
                ids.into_iter()
                    .map(move |label_id| repository_labels::ActiveModel {
                        repository_id: Set(r.id),
                        label_id: Set(label_id),
                    })
            })
            .collect();
        if !carried.is_empty() {
            repository_labels::Entity::insert_many(carried)
                .exec_without_returning(&db)
                .await
                .expect("repository labels");
        }
    }
    for chunk in rules.chunks(500) {
        mapping_rules::Entity::insert_many(chunk.iter().map(|rule| {
            let (pattern, label_id) = match &rule.matcher {
                Matcher::Pattern(p) => (Some(p.clone()), None),
                Matcher::Label(l) => (None, Some(label_ids[&l.to_lowercase()])),
            };
            mapping_rules::ActiveModel {
                id: Set(rule.id),
                team_id: Set(rule.team_id),
                pattern: Set(pattern),
                label_id: Set(label_id),
                created_at: Set(0),
            }
        }))
        .exec_without_returning(&db)
        .await
        .expect("rules");
    }
    let mut decided = HashMap::new();
    for o in overrides {
        let (repository_id, team_id, decision) = match *o {
            Override::Assign {
                repository_id,
                team_id,
            } => (repository_id, team_id, "assign"),
            Override::Exclude {
                repository_id,
                team_id,
            } => (repository_id, team_id, "exclude"),
        };
        decided.insert((repository_id, team_id), decision);
    }
    let decisions: Vec<_> = decided.into_iter().collect();
    for chunk in decisions.chunks(500) {
        manual_decisions::Entity::insert_many(chunk.iter().map(|((r, t), d)| {
            manual_decisions::ActiveModel {
                repository_id: Set(*r),
                team_id: Set(*t),
                decision: Set((*d).to_owned()),
                created_at: Set(0),
            }
        }))
        .exec_without_returning(&db)
        .await
        .expect("decisions");
    }

    let started = Instant::now();
    recompute(&db, Scope::All).await.expect("recompute");
    let first = started.elapsed();
    let count = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM assignments",
        ))
        .await
        .expect("count")
        .and_then(|row| row.try_get::<i64>("", "n").ok())
        .unwrap_or(0);
    let mut after_change = Vec::new();
    for run in 0..runs.max(1) {
        // One pattern rule moves its repositories to another team.
        mapping_rules::Entity::update(mapping_rules::ActiveModel {
            id: Set(2),
            team_id: Set((run % 25) as i64 + 1),
            ..Default::default()
        })
        .exec(&db)
        .await
        .expect("rule change");
        let started = Instant::now();
        recompute(&db, Scope::All).await.expect("recompute");
        after_change.push(started.elapsed());
    }
    after_change.sort();
    let unchanged = {
        let started = Instant::now();
        recompute(&db, Scope::All).await.expect("recompute");
        started.elapsed()
    };
    // What reading the rules costs: the rules page and wizard step 3 list
    // them all with their counts; the API reads one.
    let (listed, listed_rules) = {
        let started = Instant::now();
        let all = app::server::org::rules::list(&db).await.expect("rules");
        (started.elapsed(), all.len())
    };
    let one = {
        let started = Instant::now();
        app::server::org::rules::get(&db, 2).await.expect("rule 2");
        started.elapsed()
    };
    println!("stored in SQLite ({} assignments):", count);
    println!(
        "  first recompute, writing every assignment: {:8.1} ms",
        ms(first)
    );
    println!(
        "  recompute after one rule moves to another team: median {:.1} ms (fastest {:.1}, slowest {:.1}; {} runs)",
        ms(after_change[after_change.len() / 2]),
        ms(after_change[0]),
        ms(after_change[after_change.len() - 1]),
        after_change.len()
    );
    println!("  recompute with nothing changed: {:8.1} ms", ms(unchanged));
    println!(
        "  listing the {listed_rules} rules with their counts: {:8.1} ms",
        ms(listed)
    );
    println!("  one rule with its count: {:8.1} ms", ms(one));
    db.close().await.ok();
    let _ = std::fs::remove_dir_all(&dir);
}
