//! `spawn_app()` and the typed helpers every test uses.

use crate::http::{self, form_encode, CookieJar, Request, Response};
use crate::smtp_sink::SmtpSink;
use app::model::{AppError, Role};
use app::server::{entities::control, AppState};
use clap::Parser;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait,
    QueryFilter, Statement,
};
use server::{config::Cli, Application};
use std::path::PathBuf;
use std::sync::Arc;

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

fn pg_url_for(database: &str) -> String {
    let mut url = url::Url::parse(&pg_url()).expect("TENANTRY_TEST_PG_URL is a URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

pub struct TestApp {
    pub port: u16,
    /// Where the app's mail goes (over SMTP).
    pub mail: Arc<SmtpSink>,
    pub state: AppState,
    pub backend: Backend,
    /// Unique per app: the SQLite directory name, or the PostgreSQL prefix.
    pub id: String,
    dir: PathBuf,
    /// The configuration flags the app was started with (for the CLI).
    args: Vec<String>,
    /// A second instance shares the first one's databases and leaves them.
    owns_databases: bool,
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
    server::telemetry::init();
    let id = format!("tt{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let dir = std::env::temp_dir().join("tenantry-tests").join(&id);
    std::fs::create_dir_all(&dir).expect("create test directory");
    let mail = Arc::new(SmtpSink::start());
    let (control_url, tenants) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}/control.sqlite", dir.display()),
            dir.join("tenants").display().to_string(),
        ),
        Backend::Postgres => {
            let admin = Database::connect(pg_url()).await.expect(
                "PostgreSQL answers at TENANTRY_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres)",
            );
            admin
                .execute_unprepared(&format!("CREATE DATABASE {id}_control"))
                .await
                .expect("create control database");
            admin.close().await.ok();
            (pg_url_for(&format!("{id}_control")), pg_url())
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
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    start(backend, id, dir, args, mail, true).await
}

async fn start(
    backend: Backend,
    id: String,
    dir: PathBuf,
    args: Vec<String>,
    mail: Arc<SmtpSink>,
    owns_databases: bool,
) -> TestApp {
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
        port,
        mail,
        state,
        backend,
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

/// What a successful sign-up answered.
pub struct SignedUp {
    pub slug: String,
    /// `http://SLUG.app.example:PORT/auth/handoff?token=…`
    pub handoff_url: String,
}

impl TestApp {
    /// Another instance of Tenantry on the same control plane and tenant
    /// databases, as behind a load balancer.
    pub async fn second_instance(&self) -> TestApp {
        start(
            self.backend,
            self.id.clone(),
            self.dir.clone(),
            self.args.clone(),
            self.mail.clone(),
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

    /// Runs the real `tenantry` binary with this app's configuration.
    pub fn cli(&self, args: &[&str]) -> CliOutput {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tenantry"))
            .args(&self.args)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run the tenantry binary");
        CliOutput {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// A connection to a tenant's database from outside the app.
    pub async fn tenant_db(
        &self,
        tenant: &tenancy::entities::tenants::Model,
    ) -> sea_orm::DatabaseConnection {
        let url = match self.backend {
            Backend::Sqlite => format!("sqlite://{}?mode=rw", tenant.database_location),
            Backend::Postgres => pg_url_for(&tenant.database_location),
        };
        Database::connect(url).await.expect("tenant database opens")
    }

    /// A connection to the PostgreSQL server's maintenance database.
    pub async fn pg_admin(&self) -> sea_orm::DatabaseConnection {
        Database::connect(pg_url())
            .await
            .expect("PostgreSQL answers")
    }

    /// Connections open right now to this app's tenant databases (and
    /// templates), as PostgreSQL counts them.
    pub async fn pg_tenant_connections(&self) -> i64 {
        let admin = self.pg_admin().await;
        let row = admin
            .query_one_raw(Statement::from_string(
                admin.get_database_backend(),
                format!(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE '{}\\_%' \
                     AND datname <> '{}_control'",
                    self.id, self.id
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        admin.close().await.ok();
        row.try_get::<i64>("", "n").unwrap()
    }

    pub fn apex(&self) -> String {
        format!("{BASE}:{}", self.port)
    }

    pub fn tenant_host(&self, slug: &str) -> String {
        format!("{slug}.{BASE}:{}", self.port)
    }

    pub async fn get(&self, host: &str, path: &str, jar: Option<&mut CookieJar>) -> Response {
        http::send(
            self.port,
            Request {
                method: "GET",
                host,
                path,
                headers: vec![("Accept", "text/html".into())],
                body: vec![],
            },
            jar,
        )
        .await
    }

    /// Calls a server function the way the hydrated page does (JSON answer).
    pub async fn call(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let accept = ("Accept", "application/json".to_owned());
        self.post_server_fn(host, endpoint, fields, vec![accept], jar)
            .await
    }

    /// Posts a form the way a browser without JavaScript does, from the
    /// home page.
    pub async fn post_form(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        self.post_form_from(host, "/", endpoint, fields, jar).await
    }

    /// Posts a form the way a browser without JavaScript does, from the
    /// page at `path`, where the server sends it back.
    pub async fn post_form_from(
        &self,
        host: &str,
        path: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let headers = vec![
            ("Accept", "text/html,application/xhtml+xml".to_owned()),
            ("Referer", format!("http://{host}{path}")),
        ];
        self.post_server_fn(host, endpoint, fields, headers, jar)
            .await
    }

    /// Calls a server function with extra request headers (`Origin`, …).
    pub async fn call_with_headers(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        headers: &[(&'static str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let mut all = vec![("Accept", "application/json".to_owned())];
        all.extend(headers.iter().map(|(k, v)| (*k, (*v).to_owned())));
        self.post_server_fn(host, endpoint, fields, all, jar).await
    }

    /// Logs in on `host` (the apex or a tenant's host) with the jar.
    pub async fn log_in(
        &self,
        host: &str,
        email: &str,
        password: &str,
        jar: &mut CookieJar,
    ) -> Response {
        self.call(
            host,
            "log_in",
            &[("email", email), ("password", password)],
            Some(jar),
        )
        .await
    }

    /// Makes a user (created if new, with [`PASSWORD`]) a member of `slug`
    /// with `role`, straight in the control database: the setup for tests of
    /// what each role may do.
    pub async fn add_member(&self, slug: &str, email: &str, role: Role) {
        let control = &self.state.control;
        let tenant = self.tenant(slug).await.expect("tenant exists");
        let existing = control::users::Entity::find()
            .filter(control::users::Column::Email.eq(email))
            .one(control)
            .await
            .unwrap();
        let user_id = match existing {
            Some(user) => user.id,
            None => {
                let hash = app::server::identity::password::hash_password(PASSWORD.into())
                    .await
                    .unwrap();
                control::users::Entity::insert(control::users::ActiveModel {
                    email: Set(email.to_owned()),
                    password_hash: Set(hash.0),
                    created_at: Set(0),
                    // Members made here have confirmed their address.
                    email_verified_at: Set(Some(0)),
                    ..Default::default()
                })
                .exec(control)
                .await
                .unwrap()
                .last_insert_id
            }
        };
        control::memberships::Entity::insert(control::memberships::ActiveModel {
            user_id: Set(user_id),
            tenant_id: Set(tenant.id),
            role: Set(role.as_str().to_owned()),
            created_at: Set(0),
            ..Default::default()
        })
        .exec(control)
        .await
        .unwrap();
    }

    /// A jar signed in on `slug`'s host as a new member with `role`.
    pub async fn signed_in_as(&self, slug: &str, role: Role) -> CookieJar {
        let email = format!("{}@{slug}.test", role.as_str());
        self.add_member(slug, &email, role).await;
        let mut jar = CookieJar::default();
        let response = self
            .log_in(&self.tenant_host(slug), &email, PASSWORD, &mut jar)
            .await;
        assert_eq!(response.status, 200, "log-in: {}", response.body);
        jar
    }

    async fn post_server_fn(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        mut headers: Vec<(&str, String)>,
        jar: Option<&mut CookieJar>,
    ) -> Response {
        headers.push(("Content-Type", "application/x-www-form-urlencoded".into()));
        http::send(
            self.port,
            Request {
                method: "POST",
                host,
                path: &format!("/api/{endpoint}"),
                headers,
                body: form_encode(fields),
            },
            jar,
        )
        .await
    }

    pub async fn try_sign_up(
        &self,
        org_name: &str,
        slug: &str,
        email: &str,
        password: &str,
    ) -> Response {
        self.call(
            &self.apex(),
            "sign_up",
            &[
                ("org_name", org_name),
                ("subdomain", slug),
                ("email", email),
                ("password", password),
            ],
            None,
        )
        .await
    }

    /// Signs up `slug` with a fresh owner email and returns where to go next.
    pub async fn sign_up(&self, slug: &str) -> SignedUp {
        let email = format!("owner@{slug}.test");
        let org_name = format!("Org {slug}");
        let response = self.try_sign_up(&org_name, slug, &email, PASSWORD).await;
        assert_eq!(response.status, 200, "sign-up failed: {}", response.body);
        let handoff_url = response
            .header("location")
            .expect("sign-up redirects to the tenant")
            .to_owned();
        SignedUp {
            slug: slug.to_owned(),
            handoff_url,
        }
    }

    /// Follows the handoff link into the tenant host; the jar then holds
    /// that host's session.
    pub async fn follow_handoff(&self, signed_up: &SignedUp, jar: &mut CookieJar) -> Response {
        let path = signed_up
            .handoff_url
            .split_once(&self.tenant_host(&signed_up.slug))
            .map(|(_, path)| path.to_owned())
            .expect("handoff URL points at the tenant host");
        self.get(&self.tenant_host(&signed_up.slug), &path, Some(jar))
            .await
    }

    /// Signs up `slug` and returns a jar signed in on its host.
    pub async fn signed_in_owner(&self, slug: &str) -> CookieJar {
        let signed_up = self.sign_up(slug).await;
        let mut jar = CookieJar::default();
        let response = self.follow_handoff(&signed_up, &mut jar).await;
        assert_eq!(response.status, 303, "handoff: {}", response.body);
        jar
    }

    pub async fn tenant(&self, slug: &str) -> Option<tenancy::entities::tenants::Model> {
        tenancy::entities::tenants::Entity::find()
            .filter(tenancy::entities::tenants::Column::Slug.eq(slug))
            .one(&self.state.control)
            .await
            .expect("query tenants")
    }

    /// The id of the account with `email`.
    pub async fn user_id(&self, email: &str) -> i64 {
        control::users::Entity::find()
            .filter(control::users::Column::Email.eq(email))
            .one(&self.state.control)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {email}"))
            .id
    }

    /// Marks `email`'s address confirmed, straight in the control database
    /// (tests of the link itself are in `mail.rs`).
    pub async fn mark_verified(&self, email: &str) {
        control::users::Entity::update_many()
            .col_expr(
                control::users::Column::EmailVerifiedAt,
                sea_orm::sea_query::Expr::value(0),
            )
            .filter(control::users::Column::Email.eq(email))
            .exec(&self.state.control)
            .await
            .unwrap();
    }

    /// An invitation to `slug` for `email` with `role`, straight in the
    /// control database, with a link nobody knows; returns its id.
    pub async fn add_invitation(&self, slug: &str, email: &str, role: Role) -> i64 {
        let tenant = self.tenant(slug).await.expect("tenant exists");
        control::invitations::Entity::insert(control::invitations::ActiveModel {
            tenant_id: Set(tenant.id),
            email: Set(email.to_owned()),
            role: Set(role.as_str().to_owned()),
            token_hash: Set(uuid::Uuid::new_v4().simple().to_string()),
            invited_by: Set(0),
            created_at: Set(0),
            sent_at: Set(0),
            expires_at: Set(app::server::time::now_unix() + 3600),
            ..Default::default()
        })
        .exec(&self.state.control)
        .await
        .unwrap()
        .last_insert_id
    }

    /// `email`'s role in `slug`, read straight from the control database;
    /// `None` when they are not a member.
    pub async fn role_of(&self, slug: &str, email: &str) -> Option<Role> {
        let tenant = self.tenant(slug).await.expect("tenant exists");
        let user_id = self.user_id(email).await;
        control::memberships::Entity::find()
            .filter(control::memberships::Column::TenantId.eq(tenant.id))
            .filter(control::memberships::Column::UserId.eq(user_id))
            .one(&self.state.control)
            .await
            .unwrap()
            .and_then(|m| Role::parse(&m.role))
    }

    /// `slug`'s audit log, read straight from its database, oldest first.
    pub async fn audit_entries(
        &self,
        slug: &str,
    ) -> Vec<app::server::entities::tenant::audit_log::Model> {
        use app::server::entities::tenant::audit_log;
        use sea_orm::QueryOrder;
        let tenant = self.tenant(slug).await.expect("tenant exists");
        let db = self.tenant_db(&tenant).await;
        let entries = audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .all(&db)
            .await
            .unwrap();
        db.close().await.ok();
        entries
    }

    pub async fn count_tenants(&self) -> u64 {
        tenancy::entities::tenants::Entity::find()
            .count(&self.state.control)
            .await
            .unwrap()
    }

    pub async fn count_users(&self) -> u64 {
        control::users::Entity::find()
            .count(&self.state.control)
            .await
            .unwrap()
    }

    /// Tenant databases that exist right now for this app.
    pub async fn tenant_databases(&self) -> Vec<String> {
        match self.backend {
            Backend::Sqlite => std::fs::read_dir(self.dir.join("tenants"))
                .map(|entries| {
                    // The template lives in a directory of its own.
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|name| name.ends_with(".sqlite"))
                        .collect()
                })
                .unwrap_or_default(),
            Backend::Postgres => {
                let admin = Database::connect(pg_url()).await.unwrap();
                let rows = admin
                    .query_all_raw(Statement::from_string(
                        admin.get_database_backend(),
                        format!(
                            "SELECT datname FROM pg_database WHERE datname LIKE '{id}\\_%' \
                             AND datname NOT IN ('{id}_control', '{id}_template') \
                             AND datname NOT LIKE '{id}\\_warm\\_%'",
                            id = self.id
                        ),
                    ))
                    .await
                    .unwrap();
                admin.close().await.ok();
                rows.iter()
                    .map(|row| row.try_get::<String>("", "datname").unwrap())
                    .collect()
            }
        }
    }

    /// The names of the tables in a tenant's database.
    pub async fn tenant_tables(&self, tenant: &tenancy::entities::tenants::Model) -> Vec<String> {
        let url = match self.backend {
            Backend::Sqlite => format!("sqlite://{}?mode=ro", tenant.database_location),
            Backend::Postgres => pg_url_for(&tenant.database_location),
        };
        let db = Database::connect(url).await.expect("tenant database opens");
        let sql = match self.backend {
            Backend::Sqlite => "SELECT name AS t FROM sqlite_master WHERE type = 'table'",
            Backend::Postgres => "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'",
        };
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        db.close().await.ok();
        rows.iter()
            .map(|r| r.try_get::<String>("", "t").unwrap())
            .collect()
    }
}

/// What a run of the `tenantry` binary printed, and its exit code.
#[derive(Debug)]
pub struct CliOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if !self.owns_databases {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        let mut servers = std::mem::take(&mut *self.other_servers.lock().unwrap());
        if self.backend == Backend::Postgres {
            servers.push(pg_url());
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

/// The error a server function answered with.
pub fn app_error(response: &Response) -> AppError {
    serde_json::from_str(&response.body).unwrap_or_else(|e| {
        panic!(
            "not an AppError ({e}): {} {}",
            response.status, response.body
        )
    })
}

/// The team count shown on a tenant's home page, if the page shows one.
pub fn team_count(body: &str) -> Option<u64> {
    let after = &body[body.find(r#"data-testid="team-count""#)?..];
    let digits = &after[after.find('>')? + 1..];
    digits[..digits.find('<')?].trim().parse().ok()
}

/// Polls `check` every 20 ms until it gives `Some`, and returns that; after
/// `timeout` the test fails, saying what it waited for. Every wait in the
/// tests goes through here, so none can hang the run.
pub async fn eventually<T, F, Fut>(what: &str, timeout: std::time::Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited {timeout:?} for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
