//! The connection registry keeps each database server within its budget,
//! makes requests wait (then 503) when the server is full, and closes the
//! pools of idle tenants.

use crate::helpers::{eventually, eventually_ok, spawn_app_with, team_count, Backend, TestApp};
use crate::http::CookieJar;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tenancy::entities::tenants;
use tenancy::registry::{TenantConnection, TenantRegistry};

#[tokio::test]
async fn connections_to_a_server_never_exceed_its_budget_under_load() {
    // Room for one pool of two connections plus one more: five busy tenants
    // must share it.
    let budget = 3;
    let app = spawn_app_with(
        Backend::Postgres,
        &[
            "--tenant-db-budget",
            &budget.to_string(),
            "--tenant-pool-size",
            "2",
            "--tenant-wait-ms",
            "10000",
        ],
    )
    .await;
    let slugs = ["load-a", "load-b", "load-c", "load-d", "load-e"];
    let mut jars = Vec::new();
    for slug in slugs {
        jars.push((slug, app.signed_in_owner(slug).await));
    }

    // Sample what PostgreSQL itself sees while the load runs.
    let peak_seen = Arc::new(AtomicI64::new(0));
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak_seen, running) = (peak_seen.clone(), running.clone());
        let admin = app.pg_admin().await;
        let id = app.id.clone();
        tokio::spawn(async move {
            use sea_orm::{ConnectionTrait, Statement};
            let sql = format!(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE '{id}\\_%' \
                 AND datname <> '{id}_control'"
            );
            while running.load(Ordering::Relaxed) {
                let row = admin
                    .query_one_raw(Statement::from_string(admin.get_database_backend(), &sql))
                    .await
                    .unwrap()
                    .unwrap();
                peak_seen.fetch_max(row.try_get::<i64>("", "n").unwrap(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    let mut requests = Vec::new();
    for _ in 0..8 {
        for (slug, jar) in &jars {
            let (client, host, mut jar) = (app.client, app.tenant_host(slug), jar.clone());
            requests.push(tokio::spawn(async move {
                client.get(&host, "/", Some(&mut jar)).await
            }));
        }
    }
    for request in requests {
        let response = request.await.unwrap();
        assert_eq!(response.status, 200, "{}", response.body);
        assert_eq!(team_count(&response.body), Some(0), "{}", response.body);
    }
    running.store(false, Ordering::Relaxed);
    sampler.await.unwrap();

    let stats = app.state.registry.stats();
    let server = &stats.servers[0];
    assert_eq!(server.budget, budget);
    assert!(server.peak_reserved <= budget, "{stats:?}");
    assert!(
        peak_seen.load(Ordering::Relaxed) <= i64::from(budget),
        "PostgreSQL saw {} connections",
        peak_seen.load(Ordering::Relaxed)
    );
    assert!(
        stats.pools_closed > 0,
        "five tenants cannot all fit: pools were closed to make room: {stats:?}"
    );
}

/// An app whose server has room for one connection, with tenants alpha and
/// bravo, and a request on alpha in progress holding that connection.
async fn full_server(wait_ms: &str) -> (TestApp, TenantConnection) {
    let app = spawn_app_with(
        Backend::Sqlite,
        &["--tenant-db-budget", "1", "--tenant-wait-ms", wait_ms],
    )
    .await;
    app.sign_up("alpha").await;
    app.sign_up("bravo").await;
    let alpha = app.tenant("alpha").await.unwrap();
    let held = app
        .state
        .registry
        .connection(
            alpha.id,
            alpha.database_server_id.unwrap(),
            &alpha.database_location,
        )
        .await
        .unwrap();
    (app, held)
}

#[tokio::test]
async fn a_request_waits_for_room_and_gets_a_clear_503_when_none_comes() {
    let (app, held) = full_server("300").await;
    let before = app.state.registry.stats();
    let page = app.get(&app.tenant_host("bravo"), "/", None).await;
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(
        page.body.contains("cannot be reached right now"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Request id"), "{}", page.body);
    assert!(page.header("retry-after").is_some());
    let after = app.state.registry.stats();
    assert_eq!(after.waits, before.waits + 1);
    assert_eq!(after.timeouts, before.timeouts + 1);

    // Once alpha's request is done, its pool makes room for bravo.
    drop(held);
    let page = app.get(&app.tenant_host("bravo"), "/", None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(app.state.registry.stats().servers[0].peak_reserved <= 1);
}

#[tokio::test]
async fn a_waiting_request_is_served_as_soon_as_room_is_made() {
    let (app, held) = full_server("5000").await;
    let waiting = {
        let (client, host) = (app.client, app.tenant_host("bravo"));
        tokio::spawn(async move { client.get(&host, "/", None).await })
    };
    // Let it start waiting, then finish alpha's request.
    let registry = &app.state.registry;
    eventually(
        "bravo's request to wait for room",
        Duration::from_secs(10),
        || async { (registry.stats().waits > 0).then_some(()) },
    )
    .await;
    drop(held);
    let page = waiting.await.unwrap();
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(app.state.registry.stats().timeouts, 0);
}

#[tokio::test]
async fn idle_tenants_hold_no_connections() {
    let app = spawn_app_with(Backend::Postgres, &["--tenant-idle-secs", "1"]).await;
    let mut jar: CookieJar = app.signed_in_owner("quiet").await;
    let page = app
        .get(&app.tenant_host("quiet"), "/", Some(&mut jar))
        .await;
    assert_eq!(page.status, 200);
    assert!(app.state.registry.stats().open_pools >= 1);
    assert!(app.pg_tenant_connections().await >= 1);

    eventually_ok(
        "the idle pools to close",
        Duration::from_secs(15),
        || async {
            let stats = app.state.registry.stats();
            if stats.open_pools == 0 {
                return Ok(());
            }
            Err(format!("pools still open: {stats:?}"))
        },
    )
    .await;
    assert_eq!(app.pg_tenant_connections().await, 0);
    assert_eq!(app.state.registry.stats().servers[0].reserved, 0);

    // And the tenant is served again on the next request.
    let page = app
        .get(&app.tenant_host("quiet"), "/", Some(&mut jar))
        .await;
    assert_eq!(team_count(&page.body), Some(0), "{}", page.body);
}

/// What a request on tenant `t` holds: its pool, opened if needed.
async fn lease(registry: &TenantRegistry, t: &tenants::Model) -> TenantConnection {
    registry
        .connection(t.id, t.database_server_id.unwrap(), &t.database_location)
        .await
        .unwrap()
}

/// Six tenants on a server with room for two full-size pools (budget 8,
/// pool size 4, requests wait at most 300 ms), each visited twice in turn
/// with nothing else open: the registry has seen six busy tenants.
async fn six_busy_tenants(prefix: &str) -> (TestApp, Vec<tenants::Model>) {
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            "--tenant-db-budget",
            "8",
            "--tenant-pool-size",
            "4",
            "--tenant-wait-ms",
            "300",
        ],
    )
    .await;
    let mut tenants = Vec::new();
    for n in 0..6 {
        let slug = format!("{prefix}-{n}");
        app.sign_up(&slug).await;
        tenants.push(app.tenant(&slug).await.unwrap());
    }
    app.state.registry.close_all().await;
    visit_all(&app.state.registry, &tenants).await;
    visit_all(&app.state.registry, &tenants).await;
    (app, tenants)
}

/// One short request on each tenant in turn.
async fn visit_all(registry: &TenantRegistry, tenants: &[tenants::Model]) {
    for t in tenants {
        drop(lease(registry, t).await);
    }
}

#[tokio::test]
async fn more_busy_tenants_than_full_size_pools_settle_into_smaller_pools() {
    // Closing the least recently used pool for each newcomer would close the
    // very pool the next visit needs, forever. Sharing the budget by demand
    // lets all six keep a pool.
    let (app, tenants) = six_busy_tenants("rr").await;
    let registry = &app.state.registry;
    let settled = registry.stats();
    visit_all(registry, &tenants).await;
    visit_all(registry, &tenants).await;
    let later = registry.stats();
    assert_eq!(
        later.pools_opened, settled.pools_opened,
        "pools still churn: {settled:?} then {later:?}"
    );
    assert_eq!(later.open_pools, tenants.len(), "{later:?}");
    assert!(later.servers[0].peak_reserved <= 8, "{later:?}");
}

#[tokio::test]
async fn a_pool_opened_small_grows_back_when_its_tenant_is_busy_alone() {
    use sea_orm::TransactionTrait;
    let (app, tenants) = six_busy_tenants("grow").await;
    let registry = &app.state.registry;
    // Six busy tenants share eight connections: the first one ends up with a
    // pool of one.
    let first = lease(registry, &tenants[0]).await;
    let held = first.db.begin().await.unwrap();
    let second = lease(registry, &tenants[0]).await;
    assert!(
        second.db.begin().await.is_err(),
        "the pool was expected to hold one connection"
    );
    drop((held, first, second));

    // The others go quiet; this tenant gets busy and finds its pool full.
    for t in &tenants[1..] {
        registry.close_tenant(t.id).await;
    }
    // The registry's sweeper (every second here) reopens it at the whole
    // share; requests in flight keep the old pool until they finish.
    eventually_ok("the pool to grow back", Duration::from_secs(10), || async {
        let grown = lease(registry, &tenants[0]).await;
        let mut open = Vec::new();
        while open.len() < 4 {
            match grown.db.begin().await {
                Ok(txn) => open.push(txn),
                // Waiting for a busy connection may time out; a query must
                // never fail because its pool was closed under it.
                Err(sea_orm::DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout)) => {
                    break
                }
                Err(e) => panic!("a request on the pool being regrown failed: {e}"),
            }
        }
        if open.len() == 4 {
            return Ok(());
        }
        // Every connection is taken: the next request finds it crowded.
        drop(lease(registry, &tenants[0]).await);
        Err(format!("the pool did not grow: {:?}", registry.stats()))
    })
    .await;
    assert!(registry.stats().servers[0].peak_reserved <= 8);
}
