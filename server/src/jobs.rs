//! The server's background work besides the registry's sweeper and the
//! directory's listener: housekeeping on a minute and hour schedule,
//! checking custom domains, and keeping the warm pools full.

use app::server::{
    identity::{deletion, digest::Digests, unconfirmed},
    mail,
    org::domains::Checker,
    time::now_unix,
    AppState,
};
use std::time::Duration;
use tenancy::{databases, provision::recover_stale, subdomains};

/// Every minute: sign-ups that crashed; every hour: expired sessions,
/// week-old outbox mail, organizations no owner ever confirmed, and those
/// their owner deleted, once the grace period is over, and the holds on
/// subdomains organizations left that ended.
pub(crate) async fn keep_house(state: AppState) {
    let sessions = state.session_store();
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
            let (control, registry, directory) =
                (&state.control, &state.registry, &state.directory);
            let policy = state.settings.unconfirmed;
            if let Err(e) =
                unconfirmed::sweep(control, registry, directory, policy, now_unix()).await
            {
                tracing::warn!(error = %e, "could not sweep unconfirmed organizations");
            }
            let grace = state.settings.deletion_grace_days;
            if let Err(e) = deletion::sweep(control, registry, directory, grace, now_unix()).await {
                tracing::warn!(error = %e, "could not purge deleted organizations");
            }
            if let Err(e) = subdomains::forget_ended(control, now_unix()).await {
                tracing::warn!(error = %e, "could not release former subdomains");
            }
        }
    }
}

/// Every minute, the custom domains due for a check (a served one hourly,
/// so that a domain whose DNS moved away stops being served).
pub(crate) async fn check_domains(state: AppState) {
    let checker = Checker {
        control: &state.control,
        directory: &state.directory,
        dns: &state.dns,
        settings: &state.settings,
    };
    let checker = &checker;
    every(
        Duration::from_secs(60),
        "check custom domains",
        move || async move { checker.check_due(now_unix()).await.map(|_| ()) },
    )
    .await;
}

/// Every ten minutes, the weekly summaries due (a bounded number of
/// organizations a round).
pub(crate) async fn send_digests(state: AppState) {
    let digests = Digests {
        control: &state.control,
        directory: &state.directory,
        registry: &state.registry,
        mailer: &state.mailer,
        settings: &state.settings,
    };
    let digests = &digests;
    every(
        Duration::from_secs(600),
        "send the weekly summaries",
        move || async move { digests.send_due(now_unix()).await.map(|_| ()) },
    )
    .await;
}

/// Runs `round` every `period`, the first a period from now, forever; a
/// round that takes longer (a slow DNS or mail server) delays the next
/// rather than piling them up. A failed round is logged as what could not
/// be done.
async fn every<F>(period: Duration, what: &str, mut round: impl FnMut() -> F)
where
    F: std::future::Future<Output = Result<(), sea_orm::DbErr>>,
{
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = round().await {
            tracing::warn!(error = %e, "could not {what}");
        }
    }
}

/// Keeps each PostgreSQL server's warm pool at the configured size.
pub(crate) async fn keep_warm_pools(state: AppState) {
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
