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
//!
//! The adversarial part times sets of patterns that are harmless one by one
//! and slow together (SECURITY.md H3): 200 rules of one shape, over as many
//! repositories with names of 199 characters (the longest allowed is 200).

use app::server::org::mapping::engine::{Engine, Matcher, Repository, Rule};
use clap::Parser;
use data::Seeded;
use std::time::{Duration, Instant};

mod data;
mod stored;

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
    let repositories = data::repositories(args.repositories, &mut random);
    let rules = data::rules(args.rules, &mut random);
    let overrides = data::overrides(args.repositories, &mut random);

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

    adversarial(repositories.len(), args.runs.min(3));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(stored::stored(
        &repositories,
        &rules,
        &overrides,
        args.runs.min(5),
    ));
}

/// The worst pattern sets found: each shape with 200 values of N, over
/// `count` names of 199 characters that none of them match (matching
/// cannot stop early).
fn adversarial(count: usize, runs: usize) {
    let names: Vec<Repository> = (0..count)
        .map(|i| {
            let name = format!("acme/{}-{i}", "payments-service-backend".repeat(7));
            Repository {
                id: i as i64 + 1,
                name: name.chars().take(199).collect(),
                labels: vec![],
            }
        })
        .collect();
    println!(
        "adversarial pattern sets: 200 rules each, {} repositories with names of 199 characters; {runs} runs",
        names.len()
    );
    let mut worst = Duration::ZERO;
    for shape in [
        "(.*a){20}N",
        r"\w{5}N",
        "[^x]*[^y]{90}zN",
        r"(\w|\d){3}N",
        ".{40}aN",
        "(a|b|c|.)*dN",
    ] {
        let rules: Vec<Rule> = (0..200)
            .map(|i| Rule {
                id: i + 1,
                team_id: 1,
                matcher: Matcher::Pattern(shape.replace('N', &i.to_string())),
            })
            .collect();
        let (compile, _, _, engine) =
            time(runs, || Engine::new(&rules).expect("the rules compile"));
        let (assign, _, slowest, _) = time(runs, || engine.assign(&names, &[]));
        worst = worst.max(slowest);
        println!(
            "  {shape:<18} compiling {:8.2} ms, recomputing median {:8.2} ms (slowest {:.2})",
            ms(compile),
            ms(assign),
            ms(slowest)
        );
    }
    println!("  worst recompute: {:.2} ms", ms(worst));
}
