//! The `tenantry` server: configuration, start-up and the HTTP stack around
//! the app. [`Application::build`] is what `main` and the integration tests
//! both start, the tests on port 0 with their own databases.

pub mod cli;
pub mod config;
mod http;
mod jobs;
pub mod metrics;
mod plans_file;
mod platform;
mod serve;
mod startup;
pub mod telemetry;

pub use http::router;
pub use platform::{connect_control, Platform};
pub use startup::{leptos_options, Application};

/// Largest request body accepted. Every form and server function here takes
/// a few hundred bytes; anything larger is refused with 413 before parsing.
/// Uploads have their own ([`UPLOAD_BODY_BYTES`]).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Largest body of an upload (the logo): well past the largest file taken,
/// so that a file a little too large gets its message next to the field,
/// not a bare 413.
pub const UPLOAD_BODY_BYTES: usize = 4 * 1024 * 1024;
