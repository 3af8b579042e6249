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
//!    spread over every tenant, then on one tenant only: rps, p50, p99;
//! 4. the server's resident memory after the load, and the most PostgreSQL
//!    connections to tenant databases seen during it, against the budget.
//!
//! It prints figures; it asserts nothing about speed.

use app::server::{
    entities::control::users,
    identity::{
        signup::{self, Owner},
        tokens,
    },
    org::{audit, teams},
    time::now_unix,
};
use clap::Parser;
use futures::StreamExt;
use migration::{MigratorTrait, TenantMigrator};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, Database,
    EntityTrait, QueryFilter, Statement,
};
use server::{config::Cli, Platform};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tenancy::{databases as provisioning, entities::tenants, migrate as migrations};

#[path = "../tests/support/pg_cluster.rs"]
mod pg_cluster;

const BASE: &str = "bench.example";
/// The benchmark's own PostgreSQL cluster.
const BENCH_PG_PORT: u16 = 5498;
const BENCH_PG_MAX_CONNECTIONS: u32 = 400;
/// Seconds of load before each measured run.
const WARM_UP_SECS: u64 = 5;

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
        "--warm-pool".to_owned(),
        "0".to_owned(),
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

struct Report {
    lines: Vec<(String, String)>,
}

impl Report {
    fn add(&mut self, what: &str, figure: String) {
        println!("  {what:<58} {figure}");
        self.lines.push((what.to_owned(), figure));
    }
}

async fn run(args: &Args, id: &str, pg_url: &str, config_args: &[String]) -> anyhow::Result<()> {
    let mut argv = vec!["tenantry".to_owned()];
    argv.extend(config_args.iter().cloned());
    let cli = Cli::try_parse_from(&argv)?;
    let platform = Platform::connect(&cli.config).await?;
    platform.prepare_templates().await?;
    let (control, registry, directory) =
        (&platform.control, &platform.registry, &platform.directory);
    let mut report = Report { lines: Vec::new() };
    println!(
        "Tenantry engine benchmark ({} tenants, budget {})",
        args.tenants, args.budget
    );

    // An owner for every tenant (argon2 once, outside the measurements).
    let hash = app::server::identity::password::hash_password("benchmark password".to_owned())
        .await
        .map_err(anyhow::Error::msg)?;
    let owner = users::ActiveModel {
        email: Set("owner@bench.example".to_owned()),
        password_hash: Set(hash.0),
        created_at: Set(now_unix()),
        ..Default::default()
    }
    .insert(control)
    .await?;

    // 1. Provisioning, cold (template clone) and warm (warm pool claim).
    let owner_id = owner.id;
    let provision_timed = |prefix: &'static str, warm: bool| async move {
        let mut latencies = Vec::new();
        for i in 0..args.provision {
            let slug = format!("{prefix}-{i}");
            let started = Instant::now();
            let done = signup::provision(
                control,
                registry,
                directory,
                &slug,
                "Bench",
                Owner::Existing(owner_id),
            )
            .await?;
            latencies.push(started.elapsed());
            anyhow::ensure!(done.warm == warm, "{slug}: warm pool used: {}", done.warm);
        }
        anyhow::Ok(latencies)
    };
    let mut cold = provision_timed("cold", false).await?;
    let server = registry.load_servers().await?.remove(0);
    let started = Instant::now();
    provisioning::fill_warm_pool(control, registry, &server, args.provision as u32).await?;
    let fill = started.elapsed();
    let mut warm = provision_timed("warm", true).await?;
    report.add(
        &format!(
            "provisioning, cold (template), {} tenants: p50 / p95",
            args.provision
        ),
        format!(
            "{:.1} / {:.1} ms",
            ms(percentile(&mut cold, 50.0)),
            ms(percentile(&mut cold, 95.0))
        ),
    );
    report.add(
        &format!(
            "provisioning, warm pool, {} tenants: p50 / p95",
            args.provision
        ),
        format!(
            "{:.1} / {:.1} ms",
            ms(percentile(&mut warm, 50.0)),
            ms(percentile(&mut warm, 95.0))
        ),
    );
    report.add(
        "filling the warm pool (per database, in the background)",
        format!("{:.1} ms", ms(fill) / args.provision.max(1) as f64),
    );

    // The rest of the tenants, then 10 teams in each.
    let provisioned = 2 * args.provision;
    for i in provisioned..args.tenants.max(provisioned) {
        signup::provision(
            control,
            registry,
            directory,
            &format!("t-{i}"),
            "Bench",
            Owner::Existing(owner.id),
        )
        .await?;
    }
    let all = migrations::tenants_to_migrate(control, None).await?;
    let seeder = &audit::Actor {
        user_id: owner.id,
        email: owner.email.clone(),
        ip: "127.0.0.1".to_owned(),
    };
    let seeded = futures::stream::iter(all.iter())
        .map(|t| async move {
            let conn = registry
                .connection(
                    t.id,
                    t.database_server_id.unwrap_or_default(),
                    &t.database_location,
                )
                .await?;
            for n in 0..args.teams {
                teams::add(&conn.db, seeder, &format!("Team {n:02}"))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            anyhow::Ok(())
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    seeded.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    registry.close_all().await;

    // 2. Migrating every tenant: take the newest migration back, then time
    //    `migrate` bringing it forward again.
    let rolled = futures::stream::iter(all.iter())
        .map(|t| async move {
            let conn = registry
                .one_off(
                    t.database_server_id.unwrap_or_default(),
                    &t.database_location,
                    false,
                )
                .await?;
            let down = TenantMigrator::down(&conn.db, Some(1)).await;
            conn.close().await?;
            anyhow::Ok(down?)
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    rolled.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let previous = TenantMigrator::migrations()
        .iter()
        .rev()
        .nth(1)
        .map(|m| m.name().to_owned());
    tenants::Entity::update_many()
        .col_expr(tenants::Column::SchemaVersion, Expr::value(previous))
        .filter(tenants::Column::Status.eq("active"))
        .exec(control)
        .await?;
    let concurrency = migrations::default_concurrency([args.budget]);
    let to_migrate = migrations::tenants_to_migrate(control, None).await?;
    let count = to_migrate.len();
    let started = Instant::now();
    let results = migrations::migrate_tenants(
        control,
        registry,
        directory,
        to_migrate,
        concurrency,
        |_| {},
    )
    .await;
    let elapsed = started.elapsed();
    let migrated = results
        .iter()
        .filter(|r| matches!(r.outcome, migrations::Outcome::Migrated { applied: 1 }))
        .count();
    anyhow::ensure!(
        migrated == count,
        "only {migrated} of {count} tenants migrated"
    );
    report.add(
        &format!("migrate one migration across {count} tenants ({concurrency} at a time)"),
        format!(
            "{:.2} s, {:.2} ms per tenant",
            elapsed.as_secs_f64(),
            ms(elapsed) / count as f64
        ),
    );
    registry.close_all().await;

    // 3. Load: the real server, signed-in sessions, wrk.
    let port = free_port()?;
    let mut server = start_server(config_args, port)?;
    let target = LoadTarget {
        id,
        pg_url,
        port,
        owner: owner.id,
    };
    let outcome = load(args, &target, control, &all, &mut report).await;
    let rss = memory_of(server.id());
    let _ = Command::new("kill").arg(server.id().to_string()).status();
    let _ = server.wait();
    outcome?;
    if let Some((rss, peak)) = rss {
        report.add(
            &format!(
                "server memory after the load ({} tenants): RSS / peak",
                all.len()
            ),
            format!(
                "{:.1} / {:.1} MiB",
                rss as f64 / 1024.0,
                peak as f64 / 1024.0
            ),
        );
    }
    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    for (what, figure) in &report.lines {
        println!("| {what} | {figure} |");
    }
    Ok(())
}

/// Where the load goes: the benchmark's databases and the running server.
struct LoadTarget<'a> {
    id: &'a str,
    pg_url: &'a str,
    port: u16,
    owner: i64,
}

async fn load(
    args: &Args,
    target: &LoadTarget<'_>,
    control: &sea_orm::DatabaseConnection,
    all: &[tenants::Model],
    report: &mut Report,
) -> anyhow::Result<()> {
    let LoadTarget {
        id,
        pg_url,
        port,
        owner,
    } = *target;
    wait_for_health(port)?;
    let mut targets = Vec::new();
    for tenant in all {
        let token = tokens::issue(control, tokens::HANDOFF, owner, Some(tenant.id), 600).await?;
        let host = format!("{}.{BASE}:{port}", tenant.slug);
        let cookie = sign_in(port, &host, &token)?;
        targets.push((host, cookie));
    }
    // Each page must be the signed-in home with its teams.
    let (host, cookie) = &targets[0];
    let page = http_get(port, host, "/", Some(cookie))?;
    let shown = page
        .split_once(r#"data-testid="team-count""#)
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once('<'))
        .map(|(count, _)| count.trim().to_owned());
    anyhow::ensure!(
        shown == Some(args.teams.to_string()),
        "the benchmarked page is not the signed-in home with {} teams: {page}",
        args.teams
    );

    let peak = Arc::new(AtomicI64::new(0));
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, running) = (peak.clone(), running.clone());
        let pg = pg_url.to_owned();
        let sql = format!(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE '{id}\\_%' \
             AND datname <> '{id}_control'"
        );
        tokio::spawn(async move {
            let admin = Database::connect(pg).await?;
            while running.load(Ordering::Relaxed) {
                if let Some(row) = admin
                    .query_one_raw(Statement::from_string(admin.get_database_backend(), &sql))
                    .await?
                {
                    peak.fetch_max(row.try_get::<i64>("", "n")?, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            anyhow::Ok(())
        })
    };

    // Each run comes after a warm-up on the same targets: it opens the
    // pools (and lets the registry resize them to the demand) and fills the
    // caches, so the figures are of the steady state.
    wrk(args, port, &targets, WARM_UP_SECS)?;
    let spread = wrk(args, port, &targets, args.seconds)?;
    wrk(args, port, &targets[..1], WARM_UP_SECS)?;
    let one = wrk(args, port, &targets[..1], args.seconds)?;
    running.store(false, Ordering::Relaxed);
    sampler.await??;

    for (label, run) in [
        (
            format!("home page, load spread over {} tenants", targets.len()),
            &spread,
        ),
        ("home page, load on one tenant".to_owned(), &one),
    ] {
        report.add(
            &format!("{label}: rps / p50 / p99"),
            format!(
                "{:.0} rps / {} / {}{}",
                run.rps,
                run.p50,
                run.p99,
                if run.errors > 0 {
                    format!(" ({} non-2xx)", run.errors)
                } else {
                    String::new()
                }
            ),
        );
    }
    report.add(
        "all-tenants rps as a share of one-tenant rps",
        format!("{:.1} %", 100.0 * spread.rps / one.rps.max(1.0)),
    );
    report.add(
        "most PostgreSQL connections to tenant databases seen / budget",
        format!("{} / {}", peak.load(Ordering::Relaxed), args.budget),
    );
    Ok(())
}

struct WrkRun {
    rps: f64,
    p50: String,
    p99: String,
    errors: u64,
}

fn wrk(
    args: &Args,
    port: u16,
    targets: &[(String, String)],
    seconds: u64,
) -> anyhow::Result<WrkRun> {
    let mut script = String::from("local targets = {\n");
    for (host, cookie) in targets {
        script.push_str(&format!("  {{ {host:?}, {cookie:?} }},\n"));
    }
    script.push_str(
        "}\nlocal i = math.random(#targets)\n\
         request = function()\n\
           i = i % #targets + 1\n\
           local t = targets[i]\n\
           return wrk.format(\"GET\", \"/\", { [\"Host\"] = t[1], [\"Cookie\"] = t[2], [\"Accept\"] = \"text/html\" })\n\
         end\n",
    );
    let path = std::env::temp_dir().join(format!("tenantry-bench-{port}.lua"));
    std::fs::write(&path, script)?;
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{}", args.connections),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(&path)
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .map_err(|e| anyhow::anyhow!("running wrk (apt-get install wrk): {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    anyhow::ensure!(output.status.success(), "wrk failed: {text}");
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.split_whitespace().last())
            .map(str::to_owned)
    };
    Ok(WrkRun {
        rps: field("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0),
        p50: field("50%").unwrap_or_default(),
        p99: field("99%").unwrap_or_default(),
        errors: field("Non-2xx or 3xx responses:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    })
}

fn start_server(config_args: &[String], port: u16) -> anyhow::Result<Child> {
    let leptos_toml = concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml");
    Ok(Command::new(env!("CARGO_BIN_EXE_tenantry"))
        .args(config_args)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--leptos-toml",
            leptos_toml,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?)
}

fn wait_for_health(port: u16) -> anyhow::Result<()> {
    for _ in 0..300 {
        if http_get(port, "localhost", "/healthz", None).is_ok_and(|b| b.contains("ok")) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    anyhow::bail!("the server did not start")
}

/// Follows a handoff link and returns the session cookie it sets.
fn sign_in(port: u16, host: &str, token: &str) -> anyhow::Result<String> {
    let response = http_get(port, host, &format!("/auth/handoff?token={token}"), None)?;
    response
        .lines()
        .find_map(|l| {
            let l = l
                .strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))?;
            l.split(';').next().map(str::to_owned)
        })
        .ok_or_else(|| anyhow::anyhow!("no session cookie from the handoff: {response}"))
}

/// A minimal HTTP/1.1 GET: the whole response as text.
fn http_get(port: u16, host: &str, path: &str, cookie: Option<&str>) -> anyhow::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n{cookie}Connection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Resident and peak resident memory of a process, in KiB.
fn memory_of(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (samples.len() - 1) as f64).round() as usize;
    samples[rank.min(samples.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
