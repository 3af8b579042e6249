//! `make bench-mapping`: how long the mapping engine takes to recompute
//! every assignment of an organization with 10,000 repositories and 200
//! rules (150 patterns, 50 label rules) and 500 manual decisions. It prints
//! figures; it asserts nothing about speed.
//!
//! The names, labels and rules are generated from a fixed seed, so every
//! run measures the same work. The second part stores the same organization
//! in a real SQLite tenant database (all tenant migrations applied) and
//! times what a change costs there: the recompute that writes every
//! assignment, and the one after a rule changes, which reads everything
//! and writes only the rows that differ.

use app::server::org::mapping::engine::{Engine, Matcher, Override, Repository, Rule};
use clap::Parser;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    repositories: usize,
    #[arg(long, default_value_t = 200)]
    rules: usize,
    /// Timed runs; the figures are their median, fastest and slowest.
    #[arg(long, default_value_t = 15)]
    runs: usize,
    // `cargo bench` passes `--bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

const AREAS: [&str; 12] = [
    "payments", "billing", "search", "auth", "web", "mobile", "data", "infra", "docs", "ml",
    "growth", "support",
];
const KINDS: [&str; 6] = ["api", "web", "worker", "lib", "cli", "infra"];

/// A small deterministic generator (xorshift), so runs compare.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn repositories(count: usize, random: &mut Seeded) -> Vec<Repository> {
    (0..count)
        .map(|i| {
            let org = format!("org-{}", random.below(40));
            let area = AREAS[random.below(AREAS.len())];
            let kind = KINDS[random.below(KINDS.len())];
            let labels = (0..random.below(4))
                .map(|_| format!("label-{}", random.below(60)))
                .collect();
            Repository {
                id: i as i64 + 1,
                name: format!("{org}/{area}-{kind}-{i}"),
                labels,
            }
        })
        .collect()
}

fn rules(count: usize, random: &mut Seeded) -> Vec<Rule> {
    let patterns = count * 3 / 4;
    (0..count)
        .map(|i| {
            let matcher = if i < patterns {
                Matcher::Pattern(match i % 5 {
                    0 => format!("^org-{}/", random.below(40)),
                    1 => format!("/{}-", AREAS[random.below(AREAS.len())]),
                    2 => format!("-({}|{})-\\d*{}$", KINDS[i % 6], KINDS[(i + 1) % 6], i % 10),
                    3 => format!(
                        "^org-{}/{}.*",
                        random.below(40),
                        AREAS[random.below(AREAS.len())]
                    ),
                    _ => format!(
                        "(?-i)[a-z]+-{}-\\d{{2,3}}$",
                        KINDS[random.below(KINDS.len())]
                    ),
                })
            } else {
                Matcher::Label(format!("LABEL-{}", random.below(60)))
            };
            Rule {
                id: i as i64 + 1,
                team_id: (i % 25) as i64 + 1,
                matcher,
            }
        })
        .collect()
}

fn overrides(repositories: usize, random: &mut Seeded) -> Vec<Override> {
    (0..500)
        .map(|i| {
            let repository_id = random.below(repositories) as i64 + 1;
            let team_id = random.below(25) as i64 + 1;
            if i % 2 == 0 {
                Override::Assign {
                    repository_id,
                    team_id,
                }
            } else {
                Override::Exclude {
                    repository_id,
                    team_id,
                }
            }
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median, fastest and slowest of `runs` timings of `work`.
fn time<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, Duration, Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        last = Some(work());
        times.push(started.elapsed());
    }
    times.sort();
    (
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        last.expect("at least one run"),
    )
}

fn main() {
    let args = Args::parse();
    let mut random = Seeded(0x5eed_1234_abcd_9876);
    let repositories = repositories(args.repositories, &mut random);
    let rules = rules(args.rules, &mut random);
    let overrides = overrides(args.repositories, &mut random);

    let (compile, compile_min, compile_max, engine) = time(args.runs, || {
        Engine::new(&rules).expect("the rules compile")
    });
    let (assign, assign_min, assign_max, assignments) =
        time(args.runs, || engine.assign(&repositories, &overrides));
    let assigned: std::collections::BTreeSet<i64> =
        assignments.iter().map(|a| a.repository_id).collect();

    // A pattern that makes backtracking engines take exponential time, on
    // names built to trigger it.
    let hostile = Engine::new(&[Rule {
        id: 1,
        team_id: 1,
        matcher: Matcher::Pattern("^(a+)+$".to_owned()),
    }])
    .expect("compiles");
    let traps: Vec<Repository> = (0..1_000)
        .map(|i| Repository {
            id: i + 1,
            name: format!("{}!", "a".repeat(190)),
            labels: vec![],
        })
        .collect();
    let (trap, _, _, _) = time(args.runs, || hostile.assign(&traps, &[]));

    println!(
        "mapping engine: {} repositories × {} rules ({} patterns, {} label rules), {} manual decisions; {} runs",
        repositories.len(),
        rules.len(),
        rules.iter().filter(|r| matches!(r.matcher, Matcher::Pattern(_))).count(),
        rules.iter().filter(|r| matches!(r.matcher, Matcher::Label(_))).count(),
        overrides.len(),
        args.runs
    );
    println!(
        "  compiling the rules:       median {:8.2} ms  (fastest {:.2}, slowest {:.2})",
        ms(compile),
        ms(compile_min),
        ms(compile_max)
    );
    println!(
        "  recomputing every mapping: median {:8.2} ms  (fastest {:.2}, slowest {:.2}); {:.2} µs a repository",
        ms(assign),
        ms(assign_min),
        ms(assign_max),
        assign.as_secs_f64() * 1e6 / repositories.len().max(1) as f64
    );
    println!(
        "  result: {} assignments; {} repositories with a team, {} without",
        assignments.len(),
        assigned.len(),
        repositories.len() - assigned.len()
    );
    println!(
        "  hostile pattern ^(a+)+$ on 1,000 names of 191 characters: median {:.2} ms",
        ms(trap)
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(stored(&repositories, &rules, &overrides, args.runs.min(5)));
}

/// The same organization in a SQLite tenant database: the recompute that
/// writes every assignment, then recomputes after one pattern changes.
async fn stored(repositories: &[Repository], rules: &[Rule], overrides: &[Override], runs: usize) {
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
