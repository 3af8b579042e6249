//! Runtime settings the application needs, already validated. The server
//! binary builds them from environment variables and flags.

use crate::server::{identity::unconfirmed::UnconfirmedPolicy, rate_limit::LimitSettings};
use tenancy::registry::RegistrySettings;
/// Where tenant databases go: the engine's own description of a server
/// (one SQLite directory, or a PostgreSQL server's maintenance database).
pub use tenancy::registry::ServerKind as TenantDatabases;

#[derive(Clone, Debug)]
pub struct Settings {
    /// The apex domain, e.g. `app.example` or `localhost`.
    pub base_domain: String,
    /// Whether the public URLs are `https` (behind a TLS-terminating proxy).
    /// Also marks session cookies `Secure`.
    pub https: bool,
    /// Whether the client address is the last `X-Forwarded-For` entry
    /// (behind the operator's reverse proxy) rather than the TCP peer.
    pub behind_proxy: bool,
    /// The `default` database server: where tenant databases are created
    /// until more servers are added.
    pub tenant_databases: TenantDatabases,
    /// Connection budget of the `default` server.
    pub default_budget: u32,
    /// Tenant pools: size, idle timeout, wait for room, database name prefix.
    pub registry: RegistrySettings,
    /// Ready-made tenant databases kept on each PostgreSQL server.
    pub warm_pool: u32,
    /// CPU-heavy work at once, and the sign-up allowances.
    pub limits: LimitSettings,
    /// When organizations without a confirmed owner are suspended, then
    /// purged.
    pub unconfirmed: UnconfirmedPolicy,
    /// Days an owner can restore the organization they deleted, before the
    /// hourly sweep purges it.
    pub deletion_grace_days: u32,
    /// The plans on offer, and the one new organizations get.
    pub plans: crate::model::plans::Plans,
    /// The DNS server asked about custom domains; `None`: the system's.
    pub dns_server: Option<std::net::SocketAddr>,
    /// The SMTP server mail goes to; `None`: the outbox. It may carry a
    /// password: its `Debug` never prints it.
    pub smtp_url: Option<SmtpUrl>,
    /// The `From` of Tenantry's mail.
    pub mail_from: String,
    /// The port in the links Tenantry makes (`None`: the scheme's own):
    /// `TENANTRY_PUBLIC_PORT`, else the port it listens on, or none behind
    /// the operator's proxy. Set once the listener is bound.
    pub public_port: Option<u16>,
}

impl Settings {
    pub fn scheme(&self) -> &'static str {
        if self.https {
            "https"
        } else {
            "http"
        }
    }

    /// The public URL of a host on this deployment, on the configured
    /// public port ([`Settings::public_port`]), never the one a request's
    /// `Host` header names: links in emails and redirects cannot be pointed
    /// at another port of the host by whoever sent the request.
    pub fn url_for(&self, host: &str, path: &str) -> String {
        match self.public_port {
            Some(port) => format!("{}://{host}:{port}{path}", self.scheme()),
            None => format!("{}://{host}{path}", self.scheme()),
        }
    }
}

/// An SMTP URL, which may carry a password.
#[derive(Clone)]
pub struct SmtpUrl(pub String);

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpUrl([redacted])")
    }
}
