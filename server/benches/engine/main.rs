//! The tenancy engine's benchmark: `make bench` (or
//! `cargo bench -p server --bench engine -- --tenants 200`).
//!
//! On a PostgreSQL cluster of its own (port 5498, `max_connections` 400,
//! started with the tests' helper), or on the server TENANTRY_BENCH_PG_URL
//! names, it measures, with databases of its own that it drops at the end:
//! 1. provisioning latency, p50/p95 over `--provision` tenants, cloning the
//!    template (cold) and claiming from the warm pool (warm);
//! 2. `migrate` of one migration across every tenant (`--tenants`), in ms per
//!    tenant, at the default concurrency;
//! 3. the signed-in tenant home page under load from `wrk` (32 connections),
//!    spread over every tenant, then on one tenant only: rps, p50, p99, and
//!    per view the statements run on the control and tenant databases and
//!    the server's CPU time;
//! 4. the server's resident memory after the load, and the most PostgreSQL
//!    connections to tenant databases seen during it, against the budget.
//!
//! It prints figures; it asserts nothing about speed.

use app::server::{entities::control::users, time::now_unix};
use clap::Parser;
use report::Report;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database, Statement};
use server::{cli::Cli, Platform};
use std::process::Command;

mod load;
mod memory;
mod migrate;
// The benchmark starts clusters; restarting and stopping them is the
// fault tests' business.
#[allow(dead_code)]
#[path = "../../tests/support/pg_cluster.rs"]
mod pg_cluster;
mod process;
mod provisioning;
mod report;
mod seed;

const BASE: &str = "bench.example";
/// The benchmark's own PostgreSQL cluster.
const BENCH_PG_PORT: u16 = 5498;
const BENCH_PG_MAX_CONNECTIONS: u32 = 400;

#[derive(Parser, Debug)]
#[command(about = "Tenantry's tenancy-engine benchmark")]
struct Args {
    /// Tenants for the migration and load figures.
    #[arg(long, default_value_t = 200)]
    tenants: usize,
    /// Tenants provisioned for each of the cold and warm figures.
    #[arg(long, default_value_t = 50)]
    provision: usize,
    /// Seconds of each load run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 32)]
    connections: u32,
    /// Connection budget of the tenant database server: enough for a pool
    /// per tenant at the default 200 tenants (the cluster allows 400).
    #[arg(long, default_value_t = 250)]
    budget: u32,
    /// Teams seeded into each tenant.
    #[arg(long, default_value_t = 10)]
    teams: usize,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pg_url = std::env::var("TENANTRY_BENCH_PG_URL")
        .unwrap_or_else(|_| pg_cluster::start(BENCH_PG_PORT, BENCH_PG_MAX_CONNECTIONS));
    let id = format!("bench{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    let admin = Database::connect(&pg_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {id}_control"))
        .await?;
    let mut control_url = url::Url::parse(&pg_url)?;
    control_url.set_path(&format!("/{id}_control"));
    let config_args = vec![
        "--base-domain".to_owned(),
        BASE.to_owned(),
        "--database-url".to_owned(),
        control_url.to_string(),
        "--tenant-databases".to_owned(),
        pg_url.clone(),
        "--tenant-db-prefix".to_owned(),
        format!("{id}_"),
        "--tenant-db-budget".to_owned(),
        args.budget.to_string(),
        // The dashboard's figures are taken at 10,000 repositories.
        "--default-plan".to_owned(),
        "enterprise".to_owned(),
        "--warm-pool".to_owned(),
        "0".to_owned(),
        // No mail is sent; a release build keeps it in the outbox only
        // when told so.
        "--mail-outbox".to_owned(),
    ];
    let result = run(&args, &id, &pg_url, &config_args).await;
    // Whatever happened, drop every database the benchmark made.
    let names = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{id}\\_%'"),
        ))
        .await?;
    for row in names {
        let name: String = row.try_get("", "datname")?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await?;
    }
    result
}

async fn run(args: &Args, id: &str, pg_url: &str, config_args: &[String]) -> anyhow::Result<()> {
    let mut argv = vec!["tenantry".to_owned()];
    argv.extend(config_args.iter().cloned());
    let cli = Cli::try_parse_from(&argv)?;
    let platform = Platform::connect(&cli.config).await?;
    platform.prepare_templates().await?;
    let control = &platform.control;
    let mut report = Report::default();
    println!(
        "Tenantry engine benchmark ({} tenants, budget {})",
        args.tenants, args.budget
    );

    // An owner for every tenant (argon2 once, outside the measurements).
    let cpu = app::server::cpu::CpuPool::default();
    let hash = app::server::identity::password::hash_password(&cpu, "benchmark password".into())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let owner = users::ActiveModel {
        email: Set("owner@bench.example".to_owned()),
        password_hash: Set(hash.0),
        created_at: Set(now_unix()),
        ..Default::default()
    }
    .insert(control)
    .await?;

    // 1. Provisioning, cold (template clone) and warm (warm pool claim).
    provisioning::measure(args, &platform, owner.id, &mut report).await?;

    // The rest of the tenants, then 10 teams in each.
    let all = seed::populate(args, &platform, &owner).await?;

    // 2. Migrating every tenant: take the newest migration back, then time
    //    `migrate` bringing it forward again.
    migrate::measure(args, &platform, &all, &mut report).await?;

    // 3. Load: the real server, signed-in sessions, wrk.
    let port = process::free_port()?;
    let metrics_port = process::free_port()?;
    let mut server = process::start_server(config_args, port, metrics_port)?;
    let target = load::LoadTarget {
        id,
        pg_url,
        port,
        metrics_port,
        pid: server.id(),
        owner: owner.id,
    };
    let outcome = load::load(args, &target, control, &all, &mut report).await;
    let rss = memory::memory_of(server.id());
    let _ = Command::new("kill").arg(server.id().to_string()).status();
    let _ = server.wait();
    outcome?;
    memory::report(&mut report, rss, all.len());
    report.print_table();
    Ok(())
}
