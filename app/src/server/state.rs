use crate::server::{
    identity::{authority::AuthorityCache, session_store::DbSessionStore},
    mail::Mailer,
    org::domains::dns::Dns,
    rate_limit::Limits,
    settings::Settings,
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tenancy::{db::StatementCount, directory::TenantDirectory, registry::TenantRegistry};

/// Everything a request may need, cloned cheaply into handlers and into the
/// Leptos context of every render and server function.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The control-plane database. Tenant databases are reached only through
    /// a request's [`TenantCtx`](tenancy::context::TenantCtx).
    pub control: DatabaseConnection,
    /// The statements run on `control` (tenant databases':
    /// `registry.statements()`).
    pub control_statements: StatementCount,
    pub settings: Arc<Settings>,
    /// Tenant database pools, bounded per database server.
    pub registry: Arc<TenantRegistry>,
    /// Slug → tenant record, cached and invalidated on change.
    pub directory: Arc<TenantDirectory>,
    /// Sessions, members and accounts, cached and invalidated on change.
    pub authority: Arc<AuthorityCache>,
    /// Rate limits on log-in and on emails anyone can request.
    pub limits: Arc<Limits>,
    /// SMTP, or the outbox.
    pub mailer: Arc<Mailer>,
    /// Asks DNS about custom domains' records.
    pub dns: Dns,
}

impl AppState {
    /// The session store, in the control database behind the authority
    /// cache.
    pub fn session_store(&self) -> DbSessionStore {
        DbSessionStore::new(self.control.clone(), self.authority.clone())
    }
}
