//! `spawn_app()` and the typed helpers every test uses. This file holds
//! what they all share (the base domain, the password, the backends, the
//! PostgreSQL server's URL, `eventually`); the helpers live in the files
//! below, by concern, and are re-exported here.
//!
//! - `app`: `TestApp`, `spawn_app*`, second instances and clean-up.
//! - `requests`: `Client`, the requests a browser or the hydrated page makes.
//! - `journeys`: signing up, handing off and logging in, and `Org`.
//! - `fixtures`: rows written straight to the control database.
//! - `inspect`: what the databases hold, read from outside the app.
//! - `cli`: runs of the real `tenantry` binary.
//! - `process`: the real `tenantry` server as a child process (fault tests).

mod app;
mod cli;
mod fixtures;
mod inspect;
mod journeys;
mod process;
mod requests;

pub use self::app::{second_pg_url, spawn_app, spawn_app_on, spawn_app_with, TestApp};
pub use journeys::Org;
pub use process::ServerProcess;
pub use requests::{app_error, team_count, Client};

pub const BASE: &str = "app.example";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn pg_url() -> String {
    std::env::var("TENANTRY_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `server` (an admin URL) with the path of `database`.
fn pg_url_for(server: &str, database: &str) -> String {
    let mut url = url::Url::parse(server).expect("a PostgreSQL URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

/// Polls `check` every 20 ms until it gives `Some`, and returns that; after
/// `timeout` the test fails, saying what it waited for. Every wait in the
/// tests goes through here, so none can hang the run.
pub async fn eventually<T, F, Fut>(what: &str, timeout: std::time::Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    eventually_ok(what, timeout, || {
        let found = check();
        async move { found.await.ok_or_else(String::new) }
    })
    .await
}

/// [`eventually`] for a check that says what it found instead (`Err`): at
/// the deadline the test fails with the last of those, too.
pub async fn eventually_ok<T, F, Fut>(what: &str, timeout: std::time::Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let last = match check().await {
            Ok(found) => return found,
            Err(last) => last,
        };
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited {timeout:?} for {what}{}{last}",
            if last.is_empty() { "" } else { "; last: " }
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
