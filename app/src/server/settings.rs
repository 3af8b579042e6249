//! Runtime settings the application needs, already validated. The server
//! binary builds them from environment variables and flags.

use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Settings {
    /// The apex domain, e.g. `app.example` or `localhost`.
    pub base_domain: String,
    /// Whether the public URLs are `https` (behind a TLS-terminating proxy).
    /// Also marks session cookies `Secure`.
    pub https: bool,
    /// Where tenant databases are created.
    pub tenant_databases: TenantDatabases,
}

impl Settings {
    pub fn scheme(&self) -> &'static str {
        if self.https {
            "https"
        } else {
            "http"
        }
    }

    /// The public URL of a host on this deployment, keeping the port the
    /// browser used (`:3000` in development, none behind a proxy).
    pub fn url_for(&self, host: &str, port: Option<u16>, path: &str) -> String {
        match port {
            Some(port) => format!("{}://{host}:{port}{path}", self.scheme()),
            None => format!("{}://{host}{path}", self.scheme()),
        }
    }
}

#[derive(Clone)]
pub enum TenantDatabases {
    /// One SQLite file per tenant in this directory.
    Sqlite { dir: PathBuf },
    /// One database per tenant, created with `CREATE DATABASE` on this server.
    /// `admin_url` points at an existing maintenance database (e.g. `postgres`);
    /// tenant database names start with `name_prefix`.
    Postgres {
        admin_url: String,
        name_prefix: String,
    },
}

impl std::fmt::Debug for TenantDatabases {
    // The PostgreSQL URL may carry a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TenantDatabases::Sqlite { dir } => f.debug_struct("Sqlite").field("dir", dir).finish(),
            TenantDatabases::Postgres { name_prefix, .. } => f
                .debug_struct("Postgres")
                .field("admin_url", &"[redacted]")
                .field("name_prefix", name_prefix)
                .finish(),
        }
    }
}
