//! Logging: `tracing`, filtered by `RUST_LOG`. The server logs to stdout
//! (default level `info`); CLI commands keep stdout for their output and log
//! to stderr (default level `warn`).

use tracing_subscriber::{fmt, EnvFilter};

const QUIET_DEPENDENCIES: &str =
    "sqlx=warn,sea_orm=warn,sea_orm_migration=warn,tower_sessions=warn";

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{QUIET_DEPENDENCIES}")));
    // A second init (tests) is harmless.
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}

/// In tests: each test's lines go with its own output, which the test
/// harness shows when that test fails.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{QUIET_DEPENDENCIES}")));
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_test_writer()
        .try_init();
}

pub fn init_for_cli() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("warn,{QUIET_DEPENDENCIES}")));
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}
