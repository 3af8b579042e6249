//! Configuration: environment variables (each also a flag), with defaults for
//! the embedded setup: SQLite under `data/`, base domain `localhost`.

use anyhow::{bail, Context};
use app::server::settings::{Settings, TenantDatabases};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "tenantry",
    version,
    about = "Tenantry: self-service multi-tenant SaaS for engineering organizations.",
    long_about = "Tenantry serves the sign-up site on the base domain and each organization on \
                  its own subdomain, with one database per organization.\n\n\
                  Every option can be given as a flag or as the environment variable shown."
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
    /// Migrate the control-plane database and exit.
    Migrate,
}

#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Base domain: the sign-up site is served on it and each organization
    /// on SLUG.BASE. Browsers resolve *.localhost to this machine, so the
    /// default needs no DNS.
    #[arg(long, env = "TENANTRY_BASE_DOMAIN", default_value = "localhost")]
    pub base_domain: String,

    /// Address and port to listen on.
    #[arg(long, env = "TENANTRY_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: String,

    /// Control-plane database URL (sqlite://PATH or postgres://...).
    #[arg(
        long,
        env = "TENANTRY_DATABASE_URL",
        default_value = "sqlite://data/control.sqlite",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Where tenant databases are created: a directory for one SQLite file per
    /// tenant, or a PostgreSQL server URL (postgres://USER@HOST:PORT/MAINTENANCE_DB)
    /// on which each tenant gets its own database.
    #[arg(
        long,
        env = "TENANTRY_TENANT_DATABASES",
        default_value = "data/tenants",
        hide_env_values = true
    )]
    pub tenant_databases: String,

    /// Prefix of tenant database names on PostgreSQL (lowercase letters,
    /// digits and underscores, at most 12 characters).
    #[arg(long, env = "TENANTRY_TENANT_DB_PREFIX", default_value = "tenantry_")]
    pub tenant_db_prefix: String,

    /// Set when users reach Tenantry over https (through a TLS proxy):
    /// links use https and session cookies are marked Secure.
    #[arg(long, env = "TENANTRY_HTTPS", default_value_t = false)]
    pub https: bool,

    /// Runtime site options (site root, pkg dir) for serving the compiled
    /// front end; LEPTOS_* variables override it, as cargo-leptos sets them.
    #[arg(long, env = "TENANTRY_LEPTOS_TOML", default_value = "Leptos.toml")]
    pub leptos_toml: PathBuf,
}

impl Config {
    /// Checks every value and turns it into the application's settings. Each
    /// error names the variable and what is wrong.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        Ok(Settings {
            base_domain: validate_base_domain(&self.base_domain)?,
            https: self.https,
            tenant_databases: self.tenant_databases()?,
        })
    }

    pub fn listen_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listen.parse().with_context(|| {
            format!(
                "TENANTRY_LISTEN={:?} is not an address and port like 127.0.0.1:3000",
                self.listen
            )
        })
    }

    pub fn control_database_url(&self) -> anyhow::Result<String> {
        database_url("TENANTRY_DATABASE_URL", &self.database_url)
    }

    fn tenant_databases(&self) -> anyhow::Result<TenantDatabases> {
        let value = self.tenant_databases.trim();
        if value.is_empty() {
            bail!("TENANTRY_TENANT_DATABASES is empty: give a directory or a postgres:// URL");
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            let prefix = &self.tenant_db_prefix;
            let prefix_ok = !prefix.is_empty()
                && prefix.len() <= 12
                && prefix.starts_with(|c: char| c.is_ascii_lowercase())
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !prefix_ok {
                bail!(
                    "TENANTRY_TENANT_DB_PREFIX={prefix:?} must start with a lowercase letter and \
                     hold at most 12 lowercase letters, digits or underscores"
                );
            }
            let admin_url = database_url("TENANTRY_TENANT_DATABASES", value)?;
            return Ok(TenantDatabases::Postgres {
                admin_url,
                name_prefix: prefix.clone(),
            });
        }
        if value.contains("://") {
            bail!(
                "TENANTRY_TENANT_DATABASES must be a directory or a postgres:// URL, not {:?}",
                redact(value)
            );
        }
        Ok(TenantDatabases::Sqlite {
            dir: PathBuf::from(value),
        })
    }
}

fn validate_base_domain(value: &str) -> anyhow::Result<String> {
    let labels_ok = !value.is_empty()
        && value.len() <= 200
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if !labels_ok {
        bail!(
            "TENANTRY_BASE_DOMAIN={value:?} is not a lowercase domain name like app.example \
             or localhost (no scheme, port, or trailing dot)"
        );
    }
    Ok(value.to_owned())
}

fn database_url(variable: &str, value: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(value)
        .with_context(|| format!("{variable}={:?} is not a database URL", redact(value)))?;
    match url.scheme() {
        "sqlite" | "postgres" | "postgresql" => Ok(value.to_owned()),
        other => bail!(
            "{variable} uses scheme {other:?}: use sqlite://PATH or postgres://USER@HOST:PORT/DB"
        ),
    }
}

/// A URL with any password replaced, for error messages and logs.
pub fn redact(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("redacted"));
            url.to_string()
        }
        Ok(url) => url.to_string(),
        Err(_) => "[unparseable]".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Config {
        let mut argv = vec!["tenantry"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("arguments parse").config
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let settings = config(&[]).settings().unwrap();
        assert_eq!(settings.base_domain, "localhost");
        assert!(matches!(
            settings.tenant_databases,
            TenantDatabases::Sqlite { .. }
        ));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let err = config(&["--base-domain", "App.Example"])
            .settings()
            .unwrap_err();
        assert!(err.to_string().contains("TENANTRY_BASE_DOMAIN"), "{err}");
        let err = config(&["--base-domain", "app.example:3000"])
            .settings()
            .unwrap_err();
        assert!(err.to_string().contains("TENANTRY_BASE_DOMAIN"), "{err}");
        let err = config(&["--listen", "nowhere"]).listen_addr().unwrap_err();
        assert!(err.to_string().contains("TENANTRY_LISTEN"), "{err}");
        let err = config(&["--database-url", "mysql://x"])
            .control_database_url()
            .unwrap_err();
        assert!(err.to_string().contains("TENANTRY_DATABASE_URL"), "{err}");
        let err = config(&["--tenant-databases", "mysql://x"])
            .settings()
            .unwrap_err();
        assert!(
            err.to_string().contains("TENANTRY_TENANT_DATABASES"),
            "{err}"
        );
    }

    #[test]
    fn a_postgres_url_selects_postgres_tenants_and_passwords_are_not_echoed() {
        let settings = config(&["--tenant-databases", "postgres://u:secret@db:5432/postgres"])
            .settings()
            .unwrap();
        assert!(matches!(
            settings.tenant_databases,
            TenantDatabases::Postgres { .. }
        ));
        assert!(!format!("{:?}", settings.tenant_databases).contains("secret"));
        assert!(!redact("postgres://u:secret@db/x").contains("secret"));
    }
}
