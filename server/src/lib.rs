//! The `tenantry` server: configuration, start-up and the HTTP stack around
//! the app. [`Application::build`] is what `main` and the integration tests
//! both start, the tests on port 0 with their own databases.

pub mod cli;
pub mod config;
pub mod telemetry;

use anyhow::Context;
use app::server::{
    identity::{session_store::DbSessionStore, sign_in},
    mail::{self, Mailer},
    rate_limit::Limits,
    rest,
    settings::{Settings, TenantDatabases},
    web::{
        audit_export::export_audit_csv,
        dev_mailbox::{self, dev_mailbox},
        email_links::verify_email,
        handoff::accept_handoff,
        host_router::route_by_host,
        origin::reject_cross_origin,
        status::server_fn_error_status,
    },
    AppState,
};
use app::{shell, App};
use axum::{
    extract::State,
    http::{Request, StatusCode},
    middleware,
    routing::get,
    Router,
};
use config::Config;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use migration::{ControlMigrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use std::{path::Path, sync::Arc, time::Duration};
use tenancy::{
    databases,
    directory::TenantDirectory,
    provision::recover_stale,
    registry::{self, TenantRegistry},
    servers,
};
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

/// Largest request body accepted. Every form and server function here takes
/// a few hundred bytes; anything larger is refused with 413 before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Connections in the control-plane pool.
const CONTROL_POOL_MAX: u32 = 10;

/// What every entry point (the server and each CLI command) works with: the
/// migrated control plane, the connection registry that knows every
/// database server, and the tenant directory.
pub struct Platform {
    pub control: DatabaseConnection,
    pub registry: Arc<TenantRegistry>,
    pub directory: Arc<TenantDirectory>,
    pub settings: Arc<Settings>,
}

impl Platform {
    /// Connects and migrates the control plane and records the default
    /// database server from configuration. Fails with a message naming the
    /// setting to fix.
    pub async fn connect(config: &Config) -> anyhow::Result<Self> {
        let settings = config.settings()?;
        if let TenantDatabases::Sqlite { dir } = &settings.tenant_databases {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "TENANTRY_TENANT_DATABASES: cannot create directory {}",
                    dir.display()
                )
            })?;
        }
        let control = connect_control(config).await?;
        let (kind, url) = settings.tenant_databases.server_record();
        servers::ensure_default(&control, kind, &url, settings.default_budget)
            .await
            .context("could not record the default database server in the control plane")?;
        let registry = Arc::new(TenantRegistry::new(
            control.clone(),
            settings.registry.clone(),
        ));
        registry
            .load_servers()
            .await
            .context("could not read the database servers from the control plane")?;
        Ok(Platform {
            directory: Arc::new(TenantDirectory::new(control.clone())),
            control,
            registry,
            settings: Arc::new(settings),
        })
    }

    /// Brings every server's tenant template to the latest schema. The
    /// default server must succeed; another server that fails is logged
    /// (its sign-ups fail until it answers, and retry the template then).
    pub async fn prepare_templates(&self) -> anyhow::Result<()> {
        for server in self.registry.load_servers().await? {
            match databases::migrate_template(&self.registry, &server).await {
                Ok(_) => {}
                Err(e) if server.name == registry::DEFAULT_SERVER => {
                    return Err(e).context(
                        "could not prepare the tenant template on TENANTRY_TENANT_DATABASES",
                    )
                }
                Err(e) => tracing::error!(server = %server.name, error = %e,
                    "could not prepare the tenant template"),
            }
        }
        Ok(())
    }
}

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects and migrates the control plane, prepares the tenant
    /// templates, cleans up sign-ups that crashed, and binds the listener.
    /// Fails with a message naming the setting to fix.
    pub async fn build(config: &Config, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        let listen = config.listen_addr()?;
        let platform = Platform::connect(config).await?;
        platform.prepare_templates().await?;
        match recover_stale(&platform.control, &platform.registry).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(count = n, "cleaned up sign-ups that crashed"),
            Err(e) => tracing::error!(error = %e, "could not look for crashed sign-ups"),
        }

        let mailer = Mailer::new(
            platform.settings.smtp_url.as_ref().map(|u| u.0.as_str()),
            &platform.settings.mail_from,
            platform.control.clone(),
        )
        .map_err(anyhow::Error::msg)?;
        if mailer.uses_outbox() {
            tracing::warn!(
                "TENANTRY_SMTP_URL is not set: email is kept in the outbox table{}",
                if dev_mailbox::enabled(&leptos_options, &mailer) {
                    ", shown at /dev/mailbox"
                } else {
                    ""
                }
            );
        }
        let state = AppState {
            leptos_options,
            control: platform.control,
            registry: platform.registry,
            directory: platform.directory,
            settings: platform.settings,
            limits: Arc::new(Limits::new()),
            mailer: Arc::new(mailer),
        };
        let router = router(state.clone());
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("TENANTRY_LISTEN={listen}: cannot listen there"))?;
        Ok(Application {
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM, with the background work: closing
    /// idle tenant pools, following tenant changes from other instances,
    /// cleaning up crashed sign-ups, keeping the warm pools full, and
    /// deleting expired sessions.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let state = self.state.clone();
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(state.registry.clone().sweep_forever());
        tasks.spawn(state.directory.clone().listen_forever());
        tasks.spawn(keep_house(state.clone()));
        tasks.spawn(keep_warm_pools(state.clone()));
        let served = axum::serve(
            self.listener,
            // The peer address is the client's, for rate limits and the audit log.
            self.router
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await;
        tasks.abort_all();
        registry::log_stats(&state.registry.stats());
        served
    }
}

/// Every minute: sign-ups that crashed; every hour: expired sessions and
/// week-old outbox mail.
async fn keep_house(state: AppState) {
    let sessions = DbSessionStore::new(state.control.clone());
    // Start-up has just cleaned up sign-ups; sessions go a minute later.
    let minute = Duration::from_secs(60);
    let mut every_minute = tokio::time::interval_at(tokio::time::Instant::now() + minute, minute);
    for minute in 1u64.. {
        every_minute.tick().await;
        if let Err(e) = recover_stale(&state.control, &state.registry).await {
            tracing::warn!(error = %e, "could not clean up crashed sign-ups");
        }
        if minute % 60 == 1 {
            if let Err(e) = sessions.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
            if let Err(e) = mail::purge_outbox(&state.control).await {
                tracing::warn!(error = %e, "could not purge the outbox");
            }
        }
    }
}

/// Keeps each PostgreSQL server's warm pool at the configured size.
async fn keep_warm_pools(state: AppState) {
    let target = state.settings.warm_pool;
    if target == 0 {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let servers = match state.registry.load_servers().await {
            Ok(servers) => servers,
            Err(e) => {
                tracing::warn!(error = %e, "warm pool: cannot read servers");
                continue;
            }
        };
        for server in servers.iter().filter(|s| s.is_postgres()) {
            if let Err(e) =
                databases::fill_warm_pool(&state.control, &state.registry, server, target).await
            {
                tracing::warn!(server = %server.name, error = %e, "warm pool: cannot fill");
            }
        }
    }
}

/// Opens the control-plane database (creating a SQLite file and its
/// directory if needed) and brings it to the latest schema.
pub async fn connect_control(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.control_database_url()?;
    let url = if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        if let Some(dir) = Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "TENANTRY_DATABASE_URL: cannot create directory {}",
                    dir.display()
                )
            })?;
        }
        if path.contains('?') {
            url
        } else {
            format!("{url}?mode=rwc")
        }
    } else {
        url
    };
    let control = tenancy::db::connect(&url, CONTROL_POOL_MAX)
        .await
        .with_context(|| {
            format!(
                "could not connect to TENANTRY_DATABASE_URL={}",
                config::redact(&config.database_url)
            )
        })?;
    ControlMigrator::up(&control, None)
        .await
        .context("could not migrate the control-plane database")?;
    Ok(control)
}

/// The HTTP stack. Health checks sit outside the host router so that load
/// balancers can probe any address; everything else goes through it.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.control.clone()))
        .with_name("tenantry_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.https)
        .with_expiry(Expiry::OnInactivity(sign_in::IDLE));

    let site = Router::new()
        .route("/auth/handoff", get(accept_handoff))
        .route("/audit.csv", get(export_audit_csv))
        .route("/dev/mailbox", get(dev_mailbox))
        .route("/verify-email", get(verify_email))
        .nest("/api/v1", rest::routes())
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(sessions)
        .layer(middleware::from_fn(reject_cross_origin))
        .layer(middleware::from_fn_with_state(state.clone(), route_by_host));

    site.route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let request_id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // The path only: query strings can carry one-time tokens.
                tracing::info_span!(
                    "request",
                    %request_id,
                    method = %req.method(),
                    path = %req.uri().path(),
                    tenant = tracing::field::Empty,
                )
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the control-plane database answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.control.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "control database not reachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "control database unreachable",
            )
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Reads the runtime site options: `Leptos.toml` when present (LEPTOS_*
/// variables, as set by cargo-leptos, override it), otherwise the
/// environment and Leptos' defaults.
pub fn leptos_options(leptos_toml: &Path) -> anyhow::Result<LeptosOptions> {
    let conf = if leptos_toml.exists() {
        leptos::config::get_configuration(Some(&leptos_toml.to_string_lossy()))
    } else {
        leptos::config::get_configuration(None)
    }
    .with_context(|| {
        format!(
            "TENANTRY_LEPTOS_TOML: cannot read {}",
            leptos_toml.display()
        )
    })?;
    Ok(conf.leptos_options)
}
