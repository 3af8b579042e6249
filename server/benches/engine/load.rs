//! Figure 3: the signed-in tenant home page under load from `wrk`, spread
//! over every tenant, then on one tenant only (rps, p50, p99), with what a
//! view cost: database statements (the server's own counters, from its
//! metrics address) and server CPU (`/proc`); and the most PostgreSQL
//! connections to tenant databases seen meanwhile.

use crate::process::{http_get, sign_in, wait_for_health};
use crate::report::Report;
use crate::{Args, BASE};
use app::server::identity::tokens;
use sea_orm::{ConnectionTrait, Database, Statement};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tenancy::entities::tenants;

/// Seconds of load before each measured run.
const WARM_UP_SECS: u64 = 5;

/// Where the load goes: the benchmark's databases and the running server.
pub struct LoadTarget<'a> {
    pub id: &'a str,
    pub pg_url: &'a str,
    pub port: u16,
    /// The server's metrics address's port.
    pub metrics_port: u16,
    pub pid: u32,
    pub owner: i64,
}

pub async fn load(
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
        ..
    } = *target;
    wait_for_health(port)?;
    let mut targets = Vec::new();
    for tenant in all {
        let token = tokens::issue(
            control,
            tokens::Purpose::Handoff,
            owner,
            Some(tenant.id),
            600,
        )
        .await?;
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
    let spread = measured(args, target, &targets)?;
    wrk(args, port, &targets[..1], WARM_UP_SECS)?;
    let one = measured(args, target, &targets[..1])?;
    running.store(false, Ordering::Relaxed);
    sampler.await??;

    for (label, (run, cost)) in [
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
        report.add(
            &format!("{label}: per view, control + tenant statements / server CPU"),
            cost.per_view(run.requests),
        );
    }
    let (spread, one) = (&spread.0, &one.0);
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
    requests: u64,
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
        requests: text
            .lines()
            .find_map(|l| l.trim().split_once(" requests in "))
            .and_then(|(n, _)| n.trim().parse().ok())
            .unwrap_or(0),
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

/// A measured run: wrk's figures, and what the server spent meanwhile.
fn measured(
    args: &Args,
    target: &LoadTarget<'_>,
    targets: &[(String, String)],
) -> anyhow::Result<(WrkRun, Cost)> {
    let before = Cost::now(target)?;
    let run = wrk(args, target.port, targets, args.seconds)?;
    let after = Cost::now(target)?;
    Ok((run, after.since(&before)))
}

/// The server's statement counters and CPU time.
#[derive(Clone, Copy, Debug, Default)]
struct Cost {
    control: u64,
    tenant: u64,
    /// User and system CPU, in clock ticks.
    cpu_ticks: u64,
}

impl Cost {
    fn now(target: &LoadTarget<'_>) -> anyhow::Result<Cost> {
        let metrics = http_get(target.metrics_port, "localhost", "/metrics", None)?;
        let counter = |name: &str| -> anyhow::Result<u64> {
            metrics
                .lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
                .ok_or_else(|| anyhow::anyhow!("no {name} in the server's metrics: {metrics}"))
        };
        Ok(Cost {
            control: counter("tenantry_control_statements_total")?,
            tenant: counter("tenantry_tenant_statements_total")?,
            cpu_ticks: crate::memory::cpu_ticks_of(target.pid)?,
        })
    }

    fn since(&self, before: &Cost) -> Cost {
        Cost {
            control: self.control - before.control,
            tenant: self.tenant - before.tenant,
            cpu_ticks: self.cpu_ticks - before.cpu_ticks,
        }
    }

    fn per_view(&self, requests: u64) -> String {
        let n = requests.max(1) as f64;
        // Linux counts CPU time in ticks of 1/100 s.
        let cpu_ms = self.cpu_ticks as f64 * 10.0 / n;
        format!(
            "{:.2} + {:.2} / {:.3} ms",
            self.control as f64 / n,
            self.tenant as f64 / n,
            cpu_ms
        )
    }
}
