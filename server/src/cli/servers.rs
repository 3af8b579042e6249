//! `tenantry servers …`: register a PostgreSQL server, list them all.

use super::ServersCommand;
use crate::config::Config;
use crate::Platform;
use std::process::ExitCode;
use tenancy::{audit, servers};

/// `tenantry servers …`
pub async fn servers(config: &Config, command: &ServersCommand) -> anyhow::Result<ExitCode> {
    let platform = Platform::connect(config).await?;
    match command {
        ServersCommand::Add { name, url, budget } => {
            let server = servers::add(
                &platform.control,
                &platform.registry,
                name,
                url,
                *budget,
                &audit::cli_actor(),
            )
            .await?;
            println!(
                "server {} added (budget {}), template ready",
                server.name, server.budget
            );
        }
        ServersCommand::List => {
            println!(
                "{:<20} {:<10} {:>8} {:>8}",
                "SERVER", "KIND", "BUDGET", "TENANTS"
            );
            for s in servers::list(&platform.control).await? {
                println!(
                    "{:<20} {:<10} {:>8} {:>8}",
                    s.server.name, s.server.kind, s.server.connection_budget, s.tenants
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
