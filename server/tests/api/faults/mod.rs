//! The fault suite: real processes and real databases broken on purpose,
//! each test proving that no acknowledged data is lost, that what fails
//! fails with a clear answer (503 and a request id, never a 500 or a hang),
//! that the rest keeps working, and that Tenantry recovers on its own.
//!
//! - `crash`: the server killed with `SIGKILL` mid-sign-up and under load,
//!   then started again.
//! - `postgres`: the database server restarted under load; the control
//!   database unreachable; a tenant database made read-only.
//! - `storage`: the disk of SQLite tenants full.
//!
//! A connection the pool used less than a second ago is not checked before
//! its next use (`tenancy::db::base_options`), so after a database server
//! cut its sessions the first request on each such connection fails (503)
//! and the pool replaces it: recovery is "within a few requests", which the
//! tests wait for rather than expect at once.
//!
//! Each test prints what it measured (outage, waits) with `--nocapture`.

mod crash;
mod postgres;
mod storage;

use crate::helpers::{team_count, Client};
use crate::http::CookieJar;
use std::time::Duration;

/// How long any one request of these tests may take while things break:
/// beyond the server's own request deadline (15 s, then a 503 naming the
/// request), so that a request that hangs longer fails the test.
const PATIENCE: Duration = Duration::from_secs(20);

/// What a server answered, or how it failed to (refused, cut, no answer).
type Outcome = Result<(u16, String), String>;

/// Adds team `name` on `host` with `jar`, never panicking.
async fn add_team(client: Client, host: &str, name: &str, jar: &mut CookieJar) -> Outcome {
    client
        .try_call(host, "add_team", &[("name", name)], Some(jar), PATIENCE)
        .await
        .map(|r| (r.status, r.body))
}

/// The signed-in home page on `host`, never panicking.
async fn home(client: Client, host: &str, jar: &mut CookieJar) -> Outcome {
    client
        .try_get(host, "/", Some(jar), PATIENCE)
        .await
        .map(|r| (r.status, r.body))
}

/// Whether an answer is the clear "cannot be reached" 503 with a request id
/// that a page or a server function gives when a database is down.
fn is_clear_503((status, body): &(u16, String)) -> bool {
    let page = body.to_lowercase();
    let json = body.starts_with(r#"{"Unavailable":{"request_id":"#);
    // The database's 503, or the request deadline's.
    let html = (page.contains("cannot be reached right now") || page.contains("took too long"))
        && page.contains("request id");
    *status == 503 && (json || html)
}

/// Whether a home page answer is the signed-in page (it shows the teams).
fn is_signed_in_home((status, body): &(u16, String)) -> bool {
    *status == 200 && team_count(body).is_some()
}
