//! Several PostgreSQL servers: tenants move between them with their data,
//! and while a tenant's database is read-only (during a move) its reads go
//! on and its writes get a clear 503.

use crate::helpers::{app_error, eventually_ok, second_pg_url, spawn_app, team_count, Backend};
use app::model::AppError;
use sea_orm::{ConnectionTrait, Database};
use std::time::Duration;
use tenancy::{audit as platform_audit, servers};

#[tokio::test]
async fn a_tenant_moves_to_another_server_with_all_its_data() {
    let app = spawn_app(Backend::Postgres).await;
    let second = second_pg_url();
    app.clean_up_on(&second);
    let added = app.cli(&["servers", "add", "second", &second, "--budget", "20"]);
    assert_eq!(added.code, Some(0), "{added:?}");

    let mut jar = app.signed_in_owner("mover").await;
    let host = app.tenant_host("mover");
    for name in ["Alpha", "Beta"] {
        let response = app
            .call(&host, "add_team", &[("name", name)], Some(&mut jar))
            .await;
        assert_eq!(response.status, 200, "{}", response.body);
    }
    let before = app.tenant("mover").await.unwrap();
    let default = servers::find_by_name(&app.state.control, "default")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.database_server_id, Some(default.id));

    let out = app.cli(&["tenants", "move", "mover", "--to", "second"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("moved from default to second"),
        "{out:?}"
    );

    let after = app.tenant("mover").await.unwrap();
    let second_id = servers::find_by_name(&app.state.control, "second")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(after.database_server_id, Some(second_id));
    assert_ne!(after.database_location, before.database_location);
    // The old database is gone from the first server.
    assert!(!app
        .tenant_databases()
        .await
        .contains(&before.database_location));

    // The running server follows within a second, with every row.
    eventually_ok(
        "the moved tenant's page with both teams",
        Duration::from_secs(2),
        || {
            // Each look takes a copy of the jar: a check that is called again
            // and again cannot lend out `&mut jar`.
            let (app, host, mut jar) = (&app, &host, jar.clone());
            async move {
                let page = app.get(host, "/", Some(&mut jar)).await;
                if page.status == 200 && team_count(&page.body) == Some(2) {
                    return Ok(());
                }
                Err(page.body)
            }
        },
    )
    .await;
    // New rows get fresh ids: the sequences came along.
    let response = app
        .call(&host, "add_team", &[("name", "Gamma")], Some(&mut jar))
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    let page = app.get(&host, "/", Some(&mut jar)).await;
    assert_eq!(team_count(&page.body), Some(3), "{}", page.body);

    let moved = platform_audit::for_tenant(&app.state.control, "mover")
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "tenant.move")
        .expect("the move is audited");
    assert!(moved.detail.starts_with("default → second"), "{moved:?}");
}

#[tokio::test]
async fn moving_is_refused_with_a_reason_and_changes_nothing() {
    let app = spawn_app(Backend::Postgres).await;
    app.sign_up("stay").await;
    let out = app.cli(&["tenants", "move", "stay", "--to", "nowhere"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr
            .contains("no database server is named \"nowhere\""),
        "{out:?}"
    );
    let out = app.cli(&["tenants", "move", "stay", "--to", "default"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("already on server default"), "{out:?}");
    assert_eq!(
        app.get(&app.tenant_host("stay"), "/", None).await.status,
        200
    );
}

#[tokio::test]
async fn while_a_tenant_is_read_only_reads_go_on_and_writes_get_a_503() {
    let app = spawn_app(Backend::Postgres).await;
    let mut jar = app.signed_in_owner("frozen").await;
    let host = app.tenant_host("frozen");
    let tenant = app.tenant("frozen").await.unwrap();
    // What a move does to the source before copying it.
    let admin = Database::connect(crate::helpers::pg_url()).await.unwrap();
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {db} SET default_transaction_read_only = on; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'",
            db = tenant.database_location
        ))
        .await
        .unwrap();
    admin.close().await.ok();

    // A request may meet a pooled connection that was just ended (a 503);
    // the pool then reconnects, read-only, and reads are served.
    let mut page = app.get(&host, "/", Some(&mut jar)).await;
    if page.status == 503 {
        page = app.get(&host, "/", Some(&mut jar)).await;
    }
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(team_count(&page.body), Some(0), "{}", page.body);
    let write = app
        .call(&host, "add_team", &[("name", "Blocked")], Some(&mut jar))
        .await;
    assert_eq!(write.status, 503, "{}", write.body);
    assert!(matches!(app_error(&write), AppError::Unavailable { .. }));
}
