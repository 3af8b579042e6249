//! The real `tenantry` server as a child process, for the fault tests: it
//! serves an app's databases (as a second instance would) and can be killed
//! with `SIGKILL` and started again on the same port.

use super::{Client, TestApp};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a started server may take to answer `/healthz`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `tenantry` binary; killed when dropped.
pub struct ServerProcess {
    pub client: Client,
    args: Vec<String>,
    log: PathBuf,
    child: Option<Child>,
}

impl TestApp {
    /// Starts the real `tenantry` binary on this app's configuration and
    /// databases, on a free port of its own, and waits until it answers.
    pub async fn spawn_process(&self) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut process = ServerProcess {
            client: Client { port },
            args: self.args.clone(),
            log: self.dir.join(format!("server-{port}.log")),
            child: None,
        };
        process.start().await;
        process
    }
}

impl ServerProcess {
    /// Kills the server with `SIGKILL` (no shutdown of any kind) and waits
    /// until it is gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL the server");
            child.wait().expect("the killed server exits");
        }
    }

    /// Starts the server again on the same port and waits until it answers.
    pub async fn restart(&mut self) {
        self.kill();
        self.start().await;
    }

    async fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("open the server's log");
        let child = Command::new(env!("CARGO_BIN_EXE_tenantry"))
            .args(&self.args)
            .args([
                "--listen",
                &format!("127.0.0.1:{}", self.client.port),
                "--leptos-toml",
                concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml"),
            ])
            .env("RUST_LOG", "info")
            .stdout(log.try_clone().expect("share the log"))
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("start the tenantry binary");
        self.child = Some(child);
        let started = Instant::now();
        loop {
            let health = self
                .client
                .try_get("localhost", "/healthz", None, Duration::from_secs(5))
                .await;
            if health.is_ok_and(|r| r.status == 200) {
                return;
            }
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || started.elapsed() > START_TIMEOUT {
                panic!(
                    "the server did not start ({exited:?}); its log ends:\n{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The last lines the server logged, for a failing test to show.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl std::ops::Deref for ServerProcess {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
