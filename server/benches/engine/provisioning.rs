//! Figure 1: provisioning latency, p50/p95 over `--provision` tenants,
//! cloning the template (cold) and claiming from the warm pool (warm), and
//! what filling the warm pool costs per database.

use crate::report::{ms, percentile, Report};
use crate::Args;
use app::server::identity::signup::{self, Owner};
use server::Platform;
use std::time::Instant;
use tenancy::databases as provisioning;

/// Provisions `--provision` tenants cold, fills the warm pool, provisions as
/// many warm, and reports the three figures.
pub async fn measure(
    args: &Args,
    platform: &Platform,
    owner_id: i64,
    report: &mut Report,
) -> anyhow::Result<()> {
    let (control, registry, directory) =
        (&platform.control, &platform.registry, &platform.directory);
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
    Ok(())
}
