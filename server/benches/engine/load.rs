//! Figure 3: the signed-in tenant home page under load from `wrk`, spread
//! over every tenant, then on one tenant only (rps, p50, p99), and the most
//! PostgreSQL connections to tenant databases seen meanwhile.

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
