//! The database server restarted under load, the control database out of
//! reach, a tenant database made read-only.
//!
//! The first two stop or restart a PostgreSQL cluster of their own, so that
//! no other test sees it: on `TENANTRY_TEST_PG_FAULT_PORT` and the port
//! after (default 5495 and 5496; the benchmark's is 5498, the moves' 5499).
//! `scripts/test.sh` stops them at the end.

use super::{add_team, home, is_clear_503, is_signed_in_home, Outcome};
use crate::helpers::{app_error, pg_url, spawn_app, spawn_app_on, Backend};
use crate::pg_cluster;
use app::model::AppError;
use sea_orm::ConnectionTrait;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An answer with when it came (since the start) and what asked for it.
type Logged = (Duration, &'static str, Outcome);

fn fault_port(offset: u16) -> u16 {
    std::env::var("TENANTRY_TEST_PG_FAULT_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(5495)
        + offset
}

#[tokio::test]
async fn a_postgres_restart_under_load_fails_clearly_for_seconds_then_recovers_by_itself() {
    let port = fault_port(0);
    let pg = pg_cluster::start(port, 100);
    let app = spawn_app_on(Backend::Postgres, &pg, &[]).await;
    let host = app.tenant_host("steady");
    let jar = app.signed_in_owner("steady").await;
    let client = app.client;

    // Readers load the home page and a writer adds teams, all without pause,
    // each answer logged with the time it came.
    let started = Instant::now();
    let log: Arc<Mutex<Vec<Logged>>> = Arc::default();
    let deadline = Duration::from_secs(14);
    let workers: Vec<_> = (0..3)
        .map(|w| {
            let (log, host, mut jar) = (log.clone(), host.clone(), jar.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while started.elapsed() < deadline {
                    let (kind, outcome) = if w == 0 {
                        n += 1;
                        (
                            "write",
                            add_team(client, &host, &format!("Team {n}"), &mut jar).await,
                        )
                    } else {
                        ("read", home(client, &host, &mut jar).await)
                    };
                    log.lock().unwrap().push((started.elapsed(), kind, outcome));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(2)).await;
    let restart_at = started.elapsed();
    tokio::task::spawn_blocking(move || pg_cluster::restart(port))
        .await
        .unwrap();
    let back_at = started.elapsed();
    for worker in workers {
        worker.await.unwrap();
    }

    let log = log.lock().unwrap();
    let mut unclear = Vec::new();
    let (mut failed_first, mut failed_last) = (None, None);
    for (at, kind, outcome) in log.iter() {
        match outcome {
            Ok((200, _)) => {}
            Ok(answer) if is_clear_503(answer) => {
                failed_first.get_or_insert(*at);
                failed_last = Some(*at);
            }
            other => unclear.push(format!("{at:?} {kind}: {other:?}")),
        }
    }
    println!(
        "{} answers; PostgreSQL down from {restart_at:?} to {back_at:?}; \
         503s from {failed_first:?} to {failed_last:?}",
        log.len()
    );
    assert!(
        unclear.is_empty(),
        "every answer a 200 or a clear 503: {unclear:#?}"
    );
    // Recovered without a restart of Tenantry: the last second of answers
    // were all served, reads and writes.
    let tail: Vec<_> = log
        .iter()
        .filter(|(at, _, _)| *at + Duration::from_secs(1) > deadline && *at <= deadline)
        .collect();
    assert!(
        tail.iter().any(|(_, kind, _)| *kind == "write")
            && tail.iter().all(|(_, _, o)| matches!(o, Ok((200, _)))),
        "served again at the end: {tail:?}"
    );
    assert!(
        log.iter()
            .any(|(at, _, o)| *at < restart_at && matches!(o, Ok((200, _)))),
        "served before the restart"
    );
}

#[tokio::test]
async fn an_unreachable_control_database_fails_readiness_and_pages_clearly_then_recovers() {
    let port = fault_port(1);
    let pg = pg_cluster::start(port, 100);
    // The control database on the cluster that goes away; tenants stay up.
    let tenants = pg_url();
    let app = spawn_app_on(Backend::Postgres, &pg, &["--tenant-databases", &tenants]).await;
    app.clean_up_on(&tenants);
    let host = app.tenant_host("steady");
    let mut jar = app.signed_in_owner("steady").await;
    assert!(is_signed_in_home(
        &home(app.client, &host, &mut jar).await.unwrap()
    ));

    tokio::task::spawn_blocking(move || pg_cluster::stop(port))
        .await
        .unwrap();
    let stopped = Instant::now();
    let ready = app
        .client
        .try_get("localhost", "/readyz", None, super::PATIENCE)
        .await
        .expect("/readyz answers");
    assert_eq!(ready.status, 503, "{}", ready.body);
    let page = home(app.client, &host, &mut jar)
        .await
        .expect("the page answers");
    assert!(is_clear_503(&page), "{} {}", page.0, page.1);
    let call = app
        .client
        .try_call(&host, "tenant_home", &[], Some(&mut jar), super::PATIENCE)
        .await
        .expect("the server function answers");
    assert_eq!(call.status, 503, "{}", call.body);
    assert!(matches!(app_error(&call), AppError::Unavailable { .. }));
    let apex = app
        .client
        .try_get(&app.apex(), "/", None, super::PATIENCE)
        .await
        .expect("the apex answers");
    assert!(apex.status == 200 || apex.status == 503, "{}", apex.status);
    println!("answered while down within {:?}", stopped.elapsed());

    tokio::task::spawn_blocking(move || pg_cluster::start(port, 100))
        .await
        .unwrap();
    let restarted = Instant::now();
    crate::helpers::eventually("ready again", Duration::from_secs(15), || async {
        let ready = app
            .client
            .try_get("localhost", "/readyz", None, super::PATIENCE)
            .await
            .ok()?;
        (ready.status == 200).then_some(())
    })
    .await;
    // The same session, signed in before the outage, is served again.
    let page = home(app.client, &host, &mut jar).await.unwrap();
    assert!(is_signed_in_home(&page), "{} {}", page.0, page.1);
    println!(
        "ready and serving again {:?} after the start",
        restarted.elapsed()
    );
}

#[tokio::test]
async fn a_read_only_tenant_database_refuses_that_tenants_writes_clearly_and_no_one_elses() {
    let app = spawn_app(Backend::Postgres).await;
    let (a_host, b_host) = (app.tenant_host("alpha"), app.tenant_host("bravo"));
    let mut alpha = app.signed_in_owner("alpha").await;
    let mut bravo = app.signed_in_owner("bravo").await;
    let added = add_team(app.client, &a_host, "Before", &mut alpha)
        .await
        .unwrap();
    assert_eq!(added.0, 200, "{}", added.1);

    let tenant = app.tenant("alpha").await.unwrap();
    let read_only = |on: bool| {
        let location = tenant.database_location.clone();
        let app = &app;
        async move {
            let admin = app.pg_admin().await;
            let setting = if on { "on" } else { "off" };
            // New sessions are read-only; the open ones are cut so that
            // the pool's next connection is one of those.
            for sql in [
                format!("ALTER DATABASE {location} SET default_transaction_read_only = {setting}"),
                format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = '{location}' AND pid <> pg_backend_pid()"
                ),
            ] {
                admin.execute_unprepared(&sql).await.unwrap();
            }
            admin.close().await.ok();
        }
    };
    read_only(true).await;

    for i in 0..3 {
        let refused = add_team(app.client, &a_host, &format!("During {i}"), &mut alpha)
            .await
            .unwrap();
        assert!(is_clear_503(&refused), "{} {}", refused.0, refused.1);
        let page = home(app.client, &a_host, &mut alpha).await.unwrap();
        assert!(
            is_signed_in_home(&page),
            "reads still work: {} {}",
            page.0,
            page.1
        );
        let other = add_team(app.client, &b_host, &format!("Bravo {i}"), &mut bravo)
            .await
            .unwrap();
        assert_eq!(other.0, 200, "{}", other.1);
    }

    read_only(false).await;
    // The pool's cut connections fail once each, then writes go through.
    let client = app.client;
    crate::helpers::eventually_ok("writes again", Duration::from_secs(10), || {
        let (host, mut jar) = (a_host.clone(), alpha.clone());
        async move {
            match add_team(client, &host, "After", &mut jar).await? {
                (200, _) => Ok(()),
                answer if is_clear_503(&answer) => Err(format!("{answer:?}")),
                answer => panic!("only a clear 503 before recovery: {answer:?}"),
            }
        }
    })
    .await;
    let page = home(app.client, &a_host, &mut alpha).await.unwrap();
    assert_eq!(
        crate::helpers::team_count(&page.1),
        Some(2),
        "nothing half-written"
    );
}
