//! Logging: `tracing` to stdout, filtered by `RUST_LOG` (default `info`).

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_sessions=warn"));
    // A second init (tests) is harmless.
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
