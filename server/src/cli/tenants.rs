//! `tenantry tenants …`: list and show tenants, and their lifecycle
//! (suspend, activate, move, delete), one function per subcommand.

use super::TenantsCommand;
use crate::config::Config;
use crate::Platform;
use anyhow::Context;
use migration::TenantMigrator;
use std::process::ExitCode;
use tenancy::{audit, catalog, lifecycle, moves, servers};

/// `tenantry tenants …`
pub async fn tenants(config: &Config, command: &TenantsCommand) -> anyhow::Result<ExitCode> {
    let platform = Platform::connect(config).await?;
    match command {
        TenantsCommand::List => list(&platform).await?,
        TenantsCommand::Show { slug } => show(&platform, slug).await?,
        TenantsCommand::Suspend { slug, reason } => {
            suspend(&platform, slug, reason.as_deref()).await?
        }
        TenantsCommand::Activate { slug } => activate(&platform, slug).await?,
        TenantsCommand::Move { slug, to } => move_to(&platform, slug, to).await?,
        TenantsCommand::Delete { slug, purge } => delete(&platform, slug, *purge).await?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `tenantry tenants list`
async fn list(platform: &Platform) -> anyhow::Result<()> {
    let control = &platform.control;
    let servers = servers::list(control).await?;
    let server_name = |id: Option<i64>| {
        servers
            .iter()
            .find(|s| Some(s.server.id) == id)
            .map_or("-".to_owned(), |s| s.server.name.clone())
    };
    let all = catalog::list(control).await?;
    println!(
        "{:<40} {:<12} {:<12} {:<32} NAME",
        "TENANT", "STATUS", "SERVER", "SCHEMA"
    );
    for t in &all {
        println!(
            "{:<40} {:<12} {:<12} {:<32} {}",
            t.slug,
            t.status,
            server_name(t.database_server_id),
            t.schema_version.as_deref().unwrap_or("-"),
            t.name
        );
    }
    println!("{} tenant(s)", all.len());
    Ok(())
}

/// `tenantry tenants show SLUG`
async fn show(platform: &Platform, slug: &str) -> anyhow::Result<()> {
    let control = &platform.control;
    let Some(t) = catalog::find_by_slug(control, slug).await? else {
        anyhow::bail!("no tenant has the subdomain {slug:?}");
    };
    let server = match t.database_server_id {
        Some(id) => platform.registry.server(id).await?.name,
        None => "-".to_owned(),
    };
    println!("tenant:          {}", t.slug);
    println!("name:            {}", t.name);
    println!("status:          {}", t.status);
    if let Some(reason) = &t.status_reason {
        println!("status reason:   {reason}");
    }
    println!("server:          {server}");
    println!("database:        {}", t.database_location);
    println!(
        "schema version:  {} ({} behind)",
        t.schema_version.as_deref().unwrap_or("-"),
        TenantMigrator::behind(t.schema_version.as_deref())
    );
    if let Some(error) = &t.migration_error {
        println!("migration error: {error}");
    }
    println!("created at:      {} (Unix seconds)", t.created_at);
    println!("audit:");
    for entry in audit::for_tenant(control, slug).await? {
        println!(
            "  {}  {:<28} {:<20} {}",
            entry.at, entry.action, entry.actor, entry.detail
        );
    }
    Ok(())
}

/// `tenantry tenants suspend SLUG [--reason …]`
async fn suspend(platform: &Platform, slug: &str, reason: Option<&str>) -> anyhow::Result<()> {
    let (control, directory) = (&platform.control, &platform.directory);
    let actor = audit::cli_actor();
    lifecycle::suspend(control, directory, slug, &actor, reason).await?;
    println!("{slug}: suspended");
    Ok(())
}

/// `tenantry tenants activate SLUG`
async fn activate(platform: &Platform, slug: &str) -> anyhow::Result<()> {
    let (control, directory) = (&platform.control, &platform.directory);
    let actor = audit::cli_actor();
    lifecycle::activate(control, directory, slug, &actor).await?;
    println!("{slug}: active");
    Ok(())
}

/// `tenantry tenants move SLUG --to SERVER`
async fn move_to(platform: &Platform, slug: &str, to: &str) -> anyhow::Result<()> {
    let (control, directory) = (&platform.control, &platform.directory);
    let actor = audit::cli_actor();
    let report =
        moves::move_tenant(control, &platform.registry, directory, slug, to, &actor).await?;
    let rows: u64 = report.rows.values().sum();
    println!(
        "{slug}: moved from {} to {} ({rows} rows in {} tables; writes refused for {} ms)",
        report.from_server,
        report.to_server,
        report.rows.len(),
        report.writes_blocked.as_millis()
    );
    Ok(())
}

/// `tenantry tenants delete SLUG [--purge]`
async fn delete(platform: &Platform, slug: &str, purge: bool) -> anyhow::Result<()> {
    let (control, directory) = (&platform.control, &platform.directory);
    let actor = audit::cli_actor();
    let tenant = catalog::find_by_slug(control, slug)
        .await?
        .with_context(|| format!("no tenant has the subdomain {slug:?}"))?;
    if tenant.status() != catalog::TenantStatus::Deleted {
        lifecycle::soft_delete(control, directory, slug, &actor, None).await?;
        println!("{slug}: deleted (unreachable; its data is kept until --purge)");
    }
    if purge {
        lifecycle::purge(control, &platform.registry, directory, slug, &actor).await?;
        println!("{slug}: purged (database dropped; the subdomain is free)");
    } else if tenant.status() == catalog::TenantStatus::Deleted {
        println!("{slug}: already deleted; add --purge to drop its database");
    }
    Ok(())
}
