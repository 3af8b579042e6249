//! The server killed with `SIGKILL`, then started again.

use super::{add_team, home, is_signed_in_home, Outcome};
use crate::helpers::{spawn_app, Backend, ServerProcess, TestApp, PASSWORD};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_server_killed_mid_sign_up_leaves_nothing_behind_and_the_retry_succeeds_on_postgres() {
    killed_mid_sign_up(Backend::Postgres).await;
}

#[tokio::test]
async fn a_server_killed_mid_sign_up_leaves_nothing_behind_and_the_retry_succeeds_on_sqlite() {
    killed_mid_sign_up(Backend::Sqlite).await;
}

async fn killed_mid_sign_up(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut server = app.spawn_process().await;

    // Kill the server as soon as the sign-up has reserved its subdomain. A
    // sign-up that finished before the kill landed proves nothing: try again
    // under another subdomain.
    let mut crashed = None;
    for attempt in 0..10 {
        let slug = format!("crash{attempt}");
        let email = format!("owner{attempt}@crash.test");
        let client = server.client;
        let fields = sign_up_fields(&slug, &email);
        let request = tokio::spawn(async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            client
                .try_call(&client.apex(), "sign_up", &fields, None, super::PATIENCE)
                .await
        });
        let started = Instant::now();
        while app.tenant(&slug).await.is_none() && started.elapsed() < super::PATIENCE {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        server.kill();
        let answered = request.await.expect("the sign-up task");
        let row = app
            .tenant(&slug)
            .await
            .expect("the sign-up reserved its subdomain");
        if row.status == "provisioning" && answered.is_err() {
            crashed = Some((slug, email, row));
            break;
        }
        server.restart().await;
    }
    let (slug, email, row) = crashed.expect("one of 10 kills landed mid-sign-up");
    let step = row.provision_step.clone().unwrap_or_default();

    server.restart().await;
    // The crashed sign-up holds the subdomain until it has missed its
    // heartbeats; then the retry cleans it up and goes through.
    let started = Instant::now();
    let retried = retry_sign_up(&server, &slug, &email).await;
    let waited = started.elapsed();
    println!("killed at step {step:?}; the retry went through after {waited:?}");
    assert!(retried.header("location").is_some(), "{}", retried.body);

    let tenant = app.tenant(&slug).await.expect("the retried tenant");
    assert_eq!(tenant.status, "active");
    assert_ne!(tenant.id, row.id, "a new sign-up, not the crashed one");
    // No orphan: the databases that exist are the live tenants' only.
    let live = live_tenants(&app).await;
    let databases = app.tenant_databases().await;
    assert_eq!(databases.len(), live, "{databases:?}");
    assert_eq!(
        app.platform_actions(&slug).await,
        ["tenant.provisioning_abandoned", "tenant.signup"]
    );
    // The account the crashed attempt was making is the retry's, and works.
    let mut jar = crate::http::CookieJar::default();
    let log_in = server
        .log_in(&server.tenant_host(&slug), &email, PASSWORD, &mut jar)
        .await;
    assert_eq!(log_in.status, 200, "{}", log_in.body);
}

fn sign_up_fields(slug: &str, email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("org_name", format!("Org {slug}")),
        ("subdomain", slug.to_owned()),
        ("email", email.to_owned()),
        ("password", PASSWORD.to_owned()),
    ]
}

/// Signs up again every half second until it goes through: the crashed
/// sign-up holds the subdomain until it has missed its heartbeats.
async fn retry_sign_up(server: &ServerProcess, slug: &str, email: &str) -> crate::http::Response {
    let started = Instant::now();
    loop {
        let fields = sign_up_fields(slug, email);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = server.call(&server.apex(), "sign_up", &fields, None).await;
        if answer.status == 200 {
            return answer;
        }
        assert!(
            answer.body.contains("taken"),
            "only the held subdomain may refuse the retry: {} {}",
            answer.status,
            answer.body
        );
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "the crashed sign-up still holds {slug} after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn live_tenants(app: &TestApp) -> usize {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use tenancy::entities::tenants;
    let count = tenants::Entity::find()
        .filter(tenants::Column::Status.eq("active"))
        .count(&app.state.control)
        .await
        .unwrap();
    usize::try_from(count).unwrap()
}

#[tokio::test]
async fn a_restart_under_load_keeps_sessions_and_every_acknowledged_write() {
    let app = spawn_app(Backend::Postgres).await;
    let mut server = app.spawn_process().await;
    let host = server.tenant_host("steady");
    let jar = app.signed_in_owner("steady").await;
    let client = server.client;

    // Four writers add teams through the server, each keeping the names the
    // server acknowledged; the server is killed and started again under
    // them. (At most 200 each, well inside the organization's team quota.)
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let tried = Arc::new(Mutex::new(BTreeSet::new()));
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (stop, acknowledged, tried, failures) = (
                stop.clone(),
                acknowledged.clone(),
                tried.clone(),
                failures.clone(),
            );
            let (host, mut jar) = (host.clone(), jar.clone());
            tokio::spawn(async move {
                for n in 0..200 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    let name = format!("Writer {w} team {n}");
                    tried.lock().unwrap().insert(name.clone());
                    let outcome: Outcome = add_team(client, &host, &name, &mut jar).await;
                    match outcome {
                        Ok((200, _)) => {
                            acknowledged.lock().unwrap().insert(name);
                        }
                        Ok((status, body)) => failures
                            .lock()
                            .unwrap()
                            .push(format!("{status} {}", &body[..body.len().min(200)])),
                        // Refused or cut while the server is down: in flight.
                        Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = acknowledged.lock().unwrap().len();
    server.kill();
    let killed = Instant::now();
    server.restart().await;
    let down = killed.elapsed();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let tried = tried.lock().unwrap().clone();
    println!(
        "{} teams acknowledged ({before} before the kill), down for {down:?}",
        acknowledged.len()
    );
    assert!(
        before > 0 && acknowledged.len() > before,
        "writes on both sides"
    );
    let failures = failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "only 200s or no answer: {failures:?}");

    // Every acknowledged team is there; what else is there was in flight.
    let stored = app.team_names("steady").await;
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    let unasked: Vec<_> = stored.difference(&tried).collect();
    assert!(unasked.is_empty(), "stored but never sent: {unasked:?}");
    let in_flight = stored.len() - acknowledged.len();
    assert!(in_flight <= 4, "{in_flight} unacknowledged teams stored");

    // The session signed in before the kill still works on the new process.
    let mut jar = jar;
    let page = home(client, &host, &mut jar).await.expect("home page");
    assert!(is_signed_in_home(&page), "{} {}", page.0, page.1);
}
