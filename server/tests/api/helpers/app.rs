//! `TestApp` and how one starts: `spawn_app*` on fresh databases, a second
//! instance on the same ones, and the clean-up when the app is dropped.

use super::{pg_url, pg_url_for, Backend, Client, BASE};
use crate::smtp_sink::SmtpSink;
use app::server::AppState;
use clap::Parser;
use sea_orm::{ConnectionTrait, Database, Statement};
use server::{config::Cli, Application};
use std::path::PathBuf;
use std::sync::Arc;
use testdns::DnsServer;

pub struct TestApp {
    /// Requests to this app (its port), as a `Copy` value.
    pub client: Client,
    /// Where the app's mail goes (over SMTP).
    pub mail: Arc<SmtpSink>,
    /// The DNS server the app asks about custom domains, whose records
    /// the test sets.
    pub dns: Arc<DnsServer>,
    pub state: AppState,
    pub backend: Backend,
    /// Unique per app: the SQLite directory name, or the PostgreSQL prefix.
    pub id: String,
    pub(super) dir: PathBuf,
    /// The configuration flags the app was started with (for the CLI).
    pub(super) args: Vec<String>,
    /// A second instance shares the first one's databases and leaves them.
    owns_databases: bool,
    /// The PostgreSQL server (admin URL) its databases are on, when on one.
    pub pg: String,
    /// Other PostgreSQL servers this app's databases were put on.
    other_servers: std::sync::Mutex<Vec<String>>,
}

/// Starts Tenantry on port 0 with fresh databases of the given kind. They
/// are removed when the returned app is dropped.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// Like [`spawn_app`], with extra configuration flags (which may override
/// the defaults: the last one wins).
pub async fn spawn_app_with(backend: Backend, extra: &[&str]) -> TestApp {
    spawn_app_on(backend, &pg_url(), extra).await
}

/// Like [`spawn_app_with`], on the PostgreSQL server at `pg` (an admin URL)
/// rather than the tests' usual one: a cluster a test may stop or restart.
pub async fn spawn_app_on(backend: Backend, pg: &str, extra: &[&str]) -> TestApp {
    server::telemetry::init_for_tests();
    let id = format!("tt{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let dir = std::env::temp_dir().join("tenantry-tests").join(&id);
    std::fs::create_dir_all(&dir).expect("create test directory");
    let mail = Arc::new(SmtpSink::start());
    let dns = Arc::new(DnsServer::start().await);
    let (control_url, tenants) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}/control.sqlite", dir.display()),
            dir.join("tenants").display().to_string(),
        ),
        Backend::Postgres => {
            let admin = Database::connect(pg).await.unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL answers at {pg} (TENANTRY_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres): {e}"
                )
            });
            admin
                .execute_unprepared(&format!("CREATE DATABASE {id}_control"))
                .await
                .expect("create control database");
            admin.close().await.ok();
            (pg_url_for(pg, &format!("{id}_control")), pg.to_owned())
        }
    };
    let mut args: Vec<String> = [
        "--base-domain",
        BASE,
        "--database-url",
        &control_url,
        "--tenant-databases",
        &tenants,
        "--tenant-db-prefix",
        &format!("{id}_"),
        // Tests count databases: no warm pool unless a test asks for one.
        "--warm-pool",
        "0",
        "--smtp-url",
        &mail.url(),
        "--dns-server",
        &dns.addr().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Tests make more of everything than a small plan allows: the largest,
    // unless a test names its plans.
    if !extra.contains(&"--default-plan") {
        args.extend(["--default-plan".to_owned(), "enterprise".to_owned()]);
    }
    // Tests sign up many organizations from one address within the hour:
    // the sign-up limits are out of their way unless a test sets them.
    for limit in [
        "--signups-per-address",
        "--signups-per-email",
        "--signups-per-hour",
    ] {
        if !extra.contains(&limit) {
            args.extend([limit.to_owned(), "1000000".to_owned()]);
        }
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let receivers = Receivers { mail, dns };
    start(backend, pg.to_owned(), id, dir, args, receivers, true).await
}

/// The servers on loopback that receive what the app sends out.
struct Receivers {
    mail: Arc<SmtpSink>,
    dns: Arc<DnsServer>,
}

async fn start(
    backend: Backend,
    pg: String,
    id: String,
    dir: PathBuf,
    args: Vec<String>,
    receivers: Receivers,
    owns_databases: bool,
) -> TestApp {
    let Receivers { mail, dns } = receivers;
    let mut argv = vec![
        "tenantry".to_owned(),
        "--listen".into(),
        "127.0.0.1:0".into(),
    ];
    argv.extend(args.iter().cloned());
    let cli = Cli::try_parse_from(argv).expect("test arguments parse");
    let options = leptos::config::LeptosOptions::builder()
        .output_name("tenantry")
        .site_root("target/site")
        .build();
    let app = Application::build(&cli.config, options)
        .await
        .expect("application builds");
    let port = app.port();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        client: Client { port },
        mail,
        dns,
        state,
        backend,
        pg,
        id,
        dir,
        args,
        owns_databases,
        other_servers: std::sync::Mutex::new(Vec::new()),
    }
}

/// A second PostgreSQL cluster for tests that move tenants between servers,
/// on port `TENANTRY_TEST_PG2_PORT` (default 5499); started once, reused by
/// later runs while it is up. `scripts/test.sh` stops it at the end.
pub fn second_pg_url() -> String {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        let port = std::env::var("TENANTRY_TEST_PG2_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(5499);
        crate::pg_cluster::start(port, 50)
    })
    .clone()
}

impl TestApp {
    /// Another instance of Tenantry on the same control plane and tenant
    /// databases, as behind a load balancer.
    pub async fn second_instance(&self) -> TestApp {
        start(
            self.backend,
            self.pg.clone(),
            self.id.clone(),
            self.dir.clone(),
            self.args.clone(),
            Receivers {
                mail: self.mail.clone(),
                dns: self.dns.clone(),
            },
            false,
        )
        .await
    }

    /// The configuration flags the app was started with.
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// Drops this app's databases on `url` too when the app is dropped.
    pub fn clean_up_on(&self, url: &str) {
        self.other_servers.lock().unwrap().push(url.to_owned());
    }
}

/// A `TestApp` is also its `Client`: `app.get(…)`, `app.call(…)` and
/// `app.port` are the client's.
impl std::ops::Deref for TestApp {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if !self.owns_databases {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        let mut servers = std::mem::take(&mut *self.other_servers.lock().unwrap());
        if self.backend == Backend::Postgres {
            servers.push(self.pg.clone());
        }
        if !servers.is_empty() {
            let id = self.id.clone();
            // Drop runs inside the test's runtime: clean up on a thread of our own.
            let cleanup = std::thread::spawn(move || {
                let runtime = tokio::runtime::Runtime::new().expect("cleanup runtime");
                for url in servers {
                    runtime.block_on(drop_pg_databases(&url, &id));
                }
            });
            let _ = cleanup.join();
        }
    }
}

async fn drop_pg_databases(url: &str, id: &str) {
    let Ok(admin) = Database::connect(url).await else {
        return;
    };
    let rows = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{id}\\_%'"),
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        if let Ok(name) = row.try_get::<String>("", "datname") {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
    admin.close().await.ok();
}
