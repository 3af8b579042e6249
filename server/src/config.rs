//! Configuration: environment variables (each also a flag), with defaults for
//! the embedded setup: SQLite under `data/`, base domain `localhost`.

use anyhow::{bail, Context};
use app::server::identity::unconfirmed::UnconfirmedPolicy;
use app::server::rate_limit::LimitSettings;
use app::server::settings::{Settings, SmtpUrl, TenantDatabases};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tenancy::registry::RegistrySettings;

// The command line that carries a `Config` lives in `cli`; these keep
// `config::Cli` and `config::Command` naming it.
pub use crate::cli::{Cli, Command};

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

    /// Address and port of the operators' metrics (`GET /metrics`, in
    /// Prometheus' text format); none by default. Keep it off the public
    /// network: it is not behind the host router or any sign-in.
    #[arg(long, env = "TENANTRY_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,

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

    /// Connections each instance may open to the default tenant database
    /// server, across all tenant pools, migrations and provisioning.
    #[arg(long, env = "TENANTRY_TENANT_DB_BUDGET", default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub tenant_db_budget: u32,

    /// Connections one tenant's pool may hold at most. Pools get less when
    /// many tenants are busy at once (the budget is shared by demand), so
    /// this only bounds what one busy tenant can take.
    #[arg(long, env = "TENANTRY_TENANT_POOL_SIZE", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub tenant_pool_size: u32,

    /// Seconds a tenant's pool may stay unused before it is closed.
    #[arg(long, env = "TENANTRY_TENANT_IDLE_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub tenant_idle_secs: u64,

    /// Milliseconds a request waits for room on a full database server
    /// before it is answered 503.
    #[arg(long, env = "TENANTRY_TENANT_WAIT_MS", default_value_t = 3000,
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub tenant_wait_ms: u64,

    /// Ready-made tenant databases kept on each PostgreSQL server, so that a
    /// sign-up only renames one (0 turns the warm pool off).
    #[arg(long, env = "TENANTRY_WARM_POOL", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    pub warm_pool: u32,

    /// Password checks (and other CPU-heavy work) run at once; beyond that
    /// a request waits up to 3 s, then gets "busy, try again" (503). 0: two
    /// per core.
    #[arg(long, env = "TENANTRY_CPU_SLOTS", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=1024))]
    pub cpu_slots: u32,

    /// Sign-ups per client address per hour (IPv6 counted by /64).
    #[arg(long, env = "TENANTRY_SIGNUPS_PER_ADDRESS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub signups_per_address: u32,

    /// Sign-ups per email address per hour (new organizations for one
    /// account, or attempts to make one).
    #[arg(long, env = "TENANTRY_SIGNUPS_PER_EMAIL", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub signups_per_email: u32,

    /// Sign-ups per hour from everyone together: a ceiling on how fast
    /// scripted sign-ups can fill the database servers.
    #[arg(long, env = "TENANTRY_SIGNUPS_PER_HOUR", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub signups_per_hour: u32,

    /// Days after its sign-up when an organization none of whose owners
    /// has confirmed an email address is suspended (confirming brings it
    /// back).
    #[arg(long, env = "TENANTRY_UNCONFIRMED_SUSPEND_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub unconfirmed_suspend_days: u32,

    /// Days after its sign-up when such an organization, still suspended
    /// for it, is purged with its database.
    #[arg(long, env = "TENANTRY_UNCONFIRMED_PURGE_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub unconfirmed_purge_days: u32,

    /// Days during which an owner can restore the organization they
    /// deleted (from the apex's organizations page); then it is purged
    /// with its database.
    #[arg(long, env = "TENANTRY_DELETION_GRACE_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub deletion_grace_days: u32,

    /// A TOML file of the plans on offer: `[[plan]]` tables with `name`,
    /// `label`, `members`, `repositories`, `teams`, `rules`, `api_tokens`;
    /// unset: free, team and enterprise (README).
    #[arg(long, env = "TENANTRY_PLANS")]
    pub plans: Option<PathBuf>,

    /// The plan a new organization is on.
    #[arg(long, env = "TENANTRY_DEFAULT_PLAN", default_value = "free")]
    pub default_plan: String,

    /// The DNS server (address:port) asked about custom domains' records;
    /// unset: the system's (/etc/resolv.conf). Answers are never cached.
    #[arg(long, env = "TENANTRY_DNS_SERVER")]
    pub dns_server: Option<SocketAddr>,

    /// Requests of one organization served at once; more wait their turn
    /// (up to 3 s, then 503 "busy"), so that no organization's load takes
    /// the server from the others.
    #[arg(long, env = "TENANTRY_TENANT_CONCURRENCY", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub tenant_concurrency: u32,

    /// Set when users reach Tenantry over https (through a TLS proxy):
    /// links use https and session cookies are marked Secure.
    #[arg(long, env = "TENANTRY_HTTPS", default_value_t = false)]
    pub https: bool,

    /// The port in the links Tenantry sends and redirects to, when users
    /// reach it on a port that is not the scheme's own. Unset: the port it
    /// listens on, or (with TENANTRY_BEHIND_PROXY) none.
    #[arg(long, env = "TENANTRY_PUBLIC_PORT")]
    pub public_port: Option<u16>,

    /// Set when a reverse proxy you run sits in front of Tenantry: the
    /// client address (for rate limits and the audit log) is then the last
    /// one in `X-Forwarded-For`, which that proxy appended, instead of the
    /// proxy's own.
    #[arg(long, env = "TENANTRY_BEHIND_PROXY", default_value_t = false)]
    pub behind_proxy: bool,

    /// Where email goes: `smtp://host:port` (plain), `smtp://host?tls=required`
    /// (STARTTLS), `smtps://user:password@host` (TLS). Unset: mail is kept in
    /// the control database's outbox, shown at `/dev/mailbox` in development.
    #[arg(long, env = "TENANTRY_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Keep email in the control database's outbox, one-time links and
    /// all, in a release build without TENANTRY_SMTP_URL (which otherwise
    /// refuses to start: a forgotten SMTP setting must not leave live
    /// links in the database). Debug builds use the outbox without it.
    #[arg(long, env = "TENANTRY_MAIL_OUTBOX", default_value_t = false)]
    pub mail_outbox: bool,

    /// The sender of Tenantry's email; default `Tenantry <no-reply@BASE>`.
    #[arg(long, env = "TENANTRY_MAIL_FROM")]
    pub mail_from: Option<String>,

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
            behind_proxy: self.behind_proxy,
            tenant_databases: self.tenant_databases()?,
            default_budget: self.tenant_db_budget,
            registry: RegistrySettings {
                pool_max: self.tenant_pool_size,
                idle_timeout: Duration::from_secs(self.tenant_idle_secs),
                wait_timeout: Duration::from_millis(self.tenant_wait_ms),
                name_prefix: self.name_prefix()?,
            },
            warm_pool: self.warm_pool,
            limits: LimitSettings {
                cpu_slots: match self.cpu_slots {
                    0 => app::server::cpu::default_slots(),
                    n => n as usize,
                },
                signups_per_address: self.signups_per_address as usize,
                signups_per_email: self.signups_per_email as usize,
                signups_per_hour: self.signups_per_hour as usize,
                tenant_concurrency: self.tenant_concurrency as usize,
            },
            unconfirmed: UnconfirmedPolicy {
                suspend_after_days: self.unconfirmed_suspend_days,
                purge_after_days: self
                    .unconfirmed_purge_days
                    .max(self.unconfirmed_suspend_days),
            },
            deletion_grace_days: self.deletion_grace_days,
            plans: crate::plans_file::load(self.plans.as_deref(), &self.default_plan)?,
            dns_server: self.dns_server,
            smtp_url: self
                .smtp_url
                .clone()
                .filter(|u| !u.trim().is_empty())
                .map(SmtpUrl),
            mail_from: self
                .mail_from
                .clone()
                .unwrap_or_else(|| format!("Tenantry <no-reply@{}>", self.base_domain)),
            // Completed once the listener is bound (`Application::build`).
            public_port: self.public_port,
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

    pub fn metrics_addr(&self) -> anyhow::Result<Option<SocketAddr>> {
        self.metrics_listen
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| {
                v.trim().parse().with_context(|| {
                    format!(
                        "TENANTRY_METRICS_LISTEN={v:?} is not an address and port like \
                         127.0.0.1:9100"
                    )
                })
            })
            .transpose()
    }

    pub fn control_database_url(&self) -> anyhow::Result<String> {
        database_url("TENANTRY_DATABASE_URL", &self.database_url)
    }

    fn tenant_databases(&self) -> anyhow::Result<TenantDatabases> {
        let value = self.tenant_databases.trim();
        if value.is_empty() {
            bail!("TENANTRY_TENANT_DATABASES is empty: give a directory or a postgres:// URL");
        }
        if tenancy::db::is_postgres_url(value) {
            let admin_url = database_url("TENANTRY_TENANT_DATABASES", value)?;
            return Ok(TenantDatabases::Postgres { admin_url });
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

    fn name_prefix(&self) -> anyhow::Result<String> {
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
        Ok(prefix.clone())
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
    use clap::Parser;

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
