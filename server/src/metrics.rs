//! The operators' figures, in Prometheus' text format, on an address of
//! their own (`TENANTRY_METRICS_LISTEN`), never on the public one: the
//! statements run on the control database and on tenant databases, the
//! authority cache's hits and misses, tenant lookups, open pools. `make
//! bench` reads them to print round trips per page view.
//!
//! Written by hand rather than with a metrics crate: the figures are
//! counters the server keeps already, and the format is two lines each.

use app::server::AppState;
use axum::{extract::State, http::header, response::IntoResponse, routing::get, Router};
use std::fmt::Write;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        render(&state),
    )
}

/// Every figure, in Prometheus' text exposition format.
pub fn render(state: &AppState) -> String {
    let (hits, misses) = state.authority.hits_and_misses();
    let registry = state.registry.stats();
    let figures: [(&str, &str, &str, u64); 7] = [
        (
            "tenantry_control_statements_total",
            "counter",
            "Statements run on the control database.",
            state.control_statements.get(),
        ),
        (
            "tenantry_tenant_statements_total",
            "counter",
            "Statements run on tenant databases.",
            state.registry.statements().get(),
        ),
        (
            "tenantry_authority_cache_hits_total",
            "counter",
            "Sessions, members and accounts served from the in-process cache.",
            hits,
        ),
        (
            "tenantry_authority_cache_misses_total",
            "counter",
            "Sessions, members and accounts read from the control database.",
            misses,
        ),
        (
            "tenantry_tenant_lookups_total",
            "counter",
            "Tenant directory lookups that went to the control database.",
            state.directory.queries(),
        ),
        (
            "tenantry_tenant_pools_open",
            "gauge",
            "Tenant database pools open now.",
            registry.open_pools as u64,
        ),
        (
            "tenantry_tenant_pool_timeouts_total",
            "counter",
            "Requests that waited in vain for room on a full database server.",
            registry.timeouts,
        ),
    ];
    let mut text = String::new();
    for (name, kind, help, value) in figures {
        // Writing to a String cannot fail.
        let _ = writeln!(
            text,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    }
    text
}
