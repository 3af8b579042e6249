//! The command line: the clap tree of `tenantry` and its subcommands. The
//! settings every command shares are [`Config`], flattened into [`Cli`].

use crate::config::Config;
use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "tenantry",
    version,
    about = "Tenantry: self-service multi-tenant SaaS for engineering organizations.",
    long_about = "Tenantry serves the sign-up site on the base domain and each organization on \
                  its own subdomain, with one database per organization.\n\n\
                  Every option can be given as a flag or as the environment variable shown.",
    // A flag given twice takes the last value, as wrappers expect.
    args_override_self = true
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Migrate the control plane, each server's template, then every tenant
    /// database; exits non-zero if any tenant failed.
    Migrate(MigrateArgs),
    /// Tenant lifecycle: list, show, suspend, activate, delete.
    Tenants {
        #[command(subcommand)]
        command: TenantsCommand,
    },
    /// Database servers that hold tenant databases.
    Servers {
        #[command(subcommand)]
        command: ServersCommand,
    },
}

#[derive(Args, Debug, Clone)]
pub struct MigrateArgs {
    /// Migrate only this tenant.
    #[arg(long, value_name = "SLUG")]
    pub tenant: Option<String>,
    /// Show each tenant's schema version and drift from the latest; change nothing.
    #[arg(long, conflicts_with = "tenant")]
    pub status: bool,
    /// Tenants migrated at once (default: half the smallest server budget, at most 16).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: Option<u32>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum TenantsCommand {
    /// Every tenant with its status, server and schema version.
    List,
    /// One tenant in detail, with its platform audit trail.
    Show { slug: String },
    /// Suspend a tenant: its pages say so and its API answers 403.
    Suspend {
        slug: String,
        /// Shown in the audit log.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Serve a suspended or deleted tenant again.
    Activate { slug: String },
    /// Move a tenant's database to another PostgreSQL server. Reads go on
    /// throughout; writes are refused (503, retry) while rows are copied.
    Move {
        slug: String,
        /// The server's name (see `tenantry servers list`).
        #[arg(long)]
        to: String,
    },
    /// Delete a tenant: unreachable at once, data kept until --purge.
    Delete {
        slug: String,
        /// Also drop its database and free the subdomain. Cannot be undone.
        #[arg(long)]
        purge: bool,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum ServersCommand {
    /// Register a PostgreSQL server for new tenant databases.
    Add {
        /// A short name: lowercase letters, digits, hyphens.
        name: String,
        /// postgres://USER[:PASSWORD]@HOST:PORT/MAINTENANCE_DB (the role needs CREATEDB).
        url: String,
        /// Connections Tenantry may open to it, per instance.
        #[arg(long, default_value_t = 64)]
        budget: u32,
    },
    /// Every server with its budget and number of tenants.
    List,
}
