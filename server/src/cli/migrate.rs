//! `tenantry migrate`: the control plane, each server's template, then every
//! tenant database, with a progress bar and a summary; `--status` only shows
//! each tenant's schema version.

use super::MigrateArgs;
use crate::config::Config;
use crate::Platform;
use migration::TenantMigrator;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;
use tenancy::{
    databases,
    migrate::{self, Outcome, TenantMigration},
};

/// `tenantry migrate`: control plane, templates, then every tenant.
pub async fn migrate(config: &Config, args: &MigrateArgs) -> anyhow::Result<ExitCode> {
    let platform = Platform::connect(config).await?;
    if args.status {
        return migrate_status(&platform).await;
    }
    println!("control plane: at the latest schema");

    let mut failed = false;
    let servers = platform.registry.load_servers().await?;
    for server in &servers {
        match databases::migrate_template(&platform.registry, server).await {
            Ok(version) => println!("template on server {}: {version}", server.name),
            Err(e) => {
                failed = true;
                println!("template on server {}: FAILED: {e}", server.name);
            }
        }
        if server.is_postgres() {
            // Drops warm databases made at an older schema; the server refills.
            if let Err(e) = databases::fill_warm_pool(
                &platform.control,
                &platform.registry,
                server,
                platform.settings.warm_pool,
            )
            .await
            {
                println!("warm pool on server {}: {e}", server.name);
            }
        }
    }

    let tenants = migrate::tenants_to_migrate(&platform.control, args.tenant.as_deref()).await?;
    if let (Some(slug), true) = (&args.tenant, tenants.is_empty()) {
        anyhow::bail!("no tenant with a database has the subdomain {slug:?}");
    }
    let concurrency = args.concurrency.map_or_else(
        || migrate::default_concurrency(servers.iter().map(|s| s.budget)),
        |n| n as usize,
    );
    let total = tenants.len();
    println!(
        "migrating {total} tenant database(s) to {}, {concurrency} at a time",
        TenantMigrator::latest_version()
    );

    let started = Instant::now();
    let progress = Progress::new(total);
    let results = migrate::migrate_tenants(
        &platform.control,
        &platform.registry,
        &platform.directory,
        tenants,
        concurrency,
        |done| progress.tick(done),
    )
    .await;
    progress.finish();
    let elapsed = started.elapsed();

    print_summary(&results);
    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    let migrated = count(|o| matches!(o, Outcome::Migrated { .. }));
    let current = count(|o| matches!(o, Outcome::Current));
    let tenant_failures = count(|o| matches!(o, Outcome::Failed(_)));
    let per_tenant = if total > 0 {
        elapsed.as_secs_f64() * 1000.0 / total as f64
    } else {
        0.0
    };
    println!(
        "{migrated} migrated, {current} already current, {tenant_failures} failed \
         in {:.2} s ({per_tenant:.1} ms per tenant)",
        elapsed.as_secs_f64()
    );
    Ok(if failed || tenant_failures > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn migrate_status(platform: &Platform) -> anyhow::Result<ExitCode> {
    let rows = migrate::status(&platform.control).await?;
    let latest = TenantMigrator::latest_version();
    println!("latest tenant schema: {latest}");
    println!(
        "{:<40} {:<12} {:<32} {:>6}  ERROR",
        "TENANT", "STATUS", "VERSION", "BEHIND"
    );
    for row in &rows {
        println!(
            "{:<40} {:<12} {:<32} {:>6}  {}",
            row.slug,
            row.status,
            row.version.as_deref().unwrap_or("-"),
            row.behind,
            row.error.as_deref().unwrap_or("")
        );
    }
    let drifted = rows.iter().filter(|r| r.behind > 0).count();
    println!("{} tenant(s), {drifted} behind the latest", rows.len());
    Ok(ExitCode::SUCCESS)
}

fn print_summary(results: &[TenantMigration]) {
    let mut sorted: Vec<&TenantMigration> = results.iter().collect();
    sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
    println!("{:<40} {:<16} DETAIL", "TENANT", "RESULT");
    for r in sorted {
        let (result, detail) = match &r.outcome {
            Outcome::Migrated { applied } => (
                "migrated",
                format!(
                    "{applied} migration(s), {} → {}",
                    r.from.as_deref().unwrap_or("-"),
                    r.to.as_deref().unwrap_or("-")
                ),
            ),
            Outcome::Current => ("already current", r.to.clone().unwrap_or_default()),
            Outcome::Failed(reason) => (
                "FAILED",
                format!("{reason} (stays at {})", r.to.as_deref().unwrap_or("-")),
            ),
        };
        println!("{:<40} {result:<16} {detail}", r.slug);
    }
}

/// A progress bar on a terminal; plain log lines otherwise (CI, files).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
}

impl Progress {
    fn new(total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} tenants, {per_sec}, eta {eta} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn tick(&self, result: &TenantMigration) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let what = match &result.outcome {
            Outcome::Migrated { .. } => "migrated".to_owned(),
            Outcome::Current => "already current".to_owned(),
            Outcome::Failed(reason) => format!("FAILED: {reason}"),
        };
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                if matches!(result.outcome, Outcome::Failed(_)) {
                    bar.println(format!("{}: {what}", result.slug));
                }
            }
            None => eprintln!(
                "[{done}/{}] {}: {what} ({} ms)",
                self.total,
                result.slug,
                result.elapsed.as_millis()
            ),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
