//! The operator's commands: `migrate`, `tenants …` and `servers …`. Each
//! connects to the control plane like the server does, does its work through
//! the same services, prints what it did to stdout, and returns the exit code.

mod args;
mod migrate;
mod servers;
mod tenants;

pub use args::{Cli, Command, MigrateArgs, ServersCommand, TenantsCommand};
pub use migrate::migrate;
pub use servers::servers;
pub use tenants::tenants;
