//! Start-up and serving: [`Application`] builds everything from the
//! configuration and serves until stopped; [`leptos_options`] reads the
//! site options; `shutdown_signal` waits for SIGINT or SIGTERM.

use crate::config::Config;
use crate::http::router;
use crate::jobs::{check_domains, keep_house, keep_warm_pools, send_digests};
use crate::platform::Platform;
use anyhow::Context;
use app::server::{
    cpu, identity::authority::AuthorityCache, mail::Mailer, org::domains::dns::Dns,
    rate_limit::Limits, settings::Settings, web::dev_mailbox, AppState,
};
use axum::Router;
use leptos::config::LeptosOptions;
use std::{path::Path, sync::Arc};
use tenancy::{provision::recover_stale, registry};

pub struct Application {
    listener: tokio::net::TcpListener,
    /// The operators' metrics, when TENANTRY_METRICS_LISTEN names an address.
    metrics: Option<tokio::net::TcpListener>,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects and migrates the control plane, prepares the tenant
    /// templates, cleans up sign-ups that crashed, and binds the listener.
    /// Fails with a message naming the setting to fix.
    pub async fn build(config: &Config, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        let listen = config.listen_addr()?;
        let metrics_addr = config.metrics_addr()?;
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
        outbox_allowed(
            mailer.uses_outbox(),
            cfg!(debug_assertions),
            config.mail_outbox,
        )?;
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
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("TENANTRY_LISTEN={listen}: cannot listen there"))?;
        let metrics = match metrics_addr {
            Some(addr) => {
                Some(tokio::net::TcpListener::bind(addr).await.with_context(|| {
                    format!("TENANTRY_METRICS_LISTEN={addr}: cannot listen there")
                })?)
            }
            None => None,
        };
        // Links carry the configured public port, else the one bound here
        // (none behind the operator's proxy), never a request's Host port.
        let mut settings = Settings::clone(&platform.settings);
        if settings.public_port.is_none() && !settings.behind_proxy {
            settings.public_port = Some(listener.local_addr()?.port());
        }
        let limit_settings = &settings.limits;
        let cpu = cpu::configure(limit_settings.cpu_slots).clone();
        let limits = Arc::new(Limits::with(limit_settings, cpu));
        let authority = Arc::new(AuthorityCache::new(
            platform.control.clone(),
            platform.directory.clone(),
        ));
        let dns = Dns::new(settings.dns_server).map_err(anyhow::Error::msg)?;
        let state = AppState {
            leptos_options,
            authority,
            control: platform.control,
            control_statements: platform.control_statements,
            registry: platform.registry,
            directory: platform.directory,
            settings: Arc::new(settings),
            limits,
            mailer: Arc::new(mailer),
            dns,
        };
        let router = router(state.clone());
        Ok(Application {
            listener,
            metrics,
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
    /// cleaning up crashed sign-ups, checking custom domains, sending the
    /// weekly summaries, keeping the warm pools full, and deleting expired
    /// sessions.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let state = self.state.clone();
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(state.registry.clone().sweep_forever());
        tasks.spawn(state.directory.clone().listen_forever());
        tasks.spawn(state.authority.clone().listen_forever());
        tasks.spawn(keep_house(state.clone()));
        tasks.spawn(check_domains(state.clone()));
        tasks.spawn(send_digests(state.clone()));
        tasks.spawn(keep_warm_pools(state.clone()));
        if let Some(listener) = self.metrics {
            let metrics = crate::metrics::router(state.clone());
            tasks.spawn(async move {
                if let Err(e) = axum::serve(listener, metrics).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            });
        }
        crate::serve::serve(self.listener, self.router, shutdown_signal()).await;
        tasks.abort_all();
        registry::log_stats(&state.registry.stats());
        Ok(())
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

/// Whether mail may be kept in the outbox: always with SMTP (no outbox),
/// in a debug build, or when the operator says so; a release build that
/// would keep live one-time links in the database by a forgotten setting
/// refuses to start instead.
fn outbox_allowed(uses_outbox: bool, debug_build: bool, on_purpose: bool) -> anyhow::Result<()> {
    if uses_outbox && !debug_build && !on_purpose {
        anyhow::bail!(
            "TENANTRY_SMTP_URL is not set: a release build sends its mail over SMTP. \
             Set it, or set TENANTRY_MAIL_OUTBOX=true to keep mail, with its one-time \
             links, in the control database's outbox on purpose"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::outbox_allowed;

    #[test]
    fn a_release_build_keeps_mail_in_the_database_only_when_told() {
        let refused = outbox_allowed(true, false, false).unwrap_err().to_string();
        assert!(refused.contains("TENANTRY_SMTP_URL"), "{refused}");
        assert!(refused.contains("TENANTRY_MAIL_OUTBOX=true"), "{refused}");
        assert!(outbox_allowed(true, false, true).is_ok());
        assert!(outbox_allowed(true, true, false).is_ok(), "debug builds");
        assert!(outbox_allowed(false, false, false).is_ok(), "SMTP");
    }
}
