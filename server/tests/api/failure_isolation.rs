//! One tenant's database failing affects that tenant alone: it gets a clear
//! 503 with a request id, and every other tenant keeps working.

use crate::helpers::{app_error, spawn_app, team_count, Backend};
use app::model::AppError;
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn a_dropped_tenant_database_gives_that_tenant_a_503_and_the_others_keep_working() {
    let app = spawn_app(Backend::Postgres).await;
    let mut alpha = app.signed_in_owner("alpha").await;
    let mut bravo = app.signed_in_owner("bravo").await;
    let (a_host, b_host) = (app.tenant_host("alpha"), app.tenant_host("bravo"));
    // Both are served, so alpha's pool is open when its database goes.
    assert_eq!(app.get(&a_host, "/", Some(&mut alpha)).await.status, 200);
    assert_eq!(app.get(&b_host, "/", Some(&mut bravo)).await.status, 200);

    let tenant = app.tenant("alpha").await.unwrap();
    let admin = app.pg_admin().await;
    admin
        .execute_unprepared(&format!(
            "DROP DATABASE {} WITH (FORCE)",
            tenant.database_location
        ))
        .await
        .unwrap();
    admin.close().await.ok();

    for i in 0..3 {
        let page = app.get(&a_host, "/", Some(&mut alpha)).await;
        assert_eq!(page.status, 503, "{}", page.body);
        assert!(
            page.body.contains("cannot be reached right now"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("does not exist"), "{}", page.body);
        let api = app
            .call(&a_host, "tenant_home", &[], Some(&mut alpha))
            .await;
        assert_eq!(api.status, 503, "{}", api.body);
        assert!(matches!(app_error(&api), AppError::Unavailable { .. }));

        let added = app
            .call(
                &b_host,
                "add_team",
                &[("name", &format!("Team {i}"))],
                Some(&mut bravo),
            )
            .await;
        assert_eq!(added.status, 200, "{}", added.body);
        let page = app.get(&b_host, "/", Some(&mut bravo)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(team_count(&page.body), Some(i + 1));
    }
}

#[tokio::test]
async fn a_missing_tenant_database_file_gives_that_tenant_a_503_on_sqlite() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("alpha").await;
    app.sign_up("bravo").await;
    let tenant = app.tenant("alpha").await.unwrap();
    // Its pool closed (as after an idle period), then the file goes.
    app.state.registry.close_tenant(tenant.id).await;
    std::fs::remove_file(&tenant.database_location).unwrap();

    let page = app.get(&app.tenant_host("alpha"), "/", None).await;
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(page.body.contains("Request id"), "{}", page.body);
    // Server functions get the JSON error their client understands.
    let api = app
        .call(&app.tenant_host("alpha"), "tenant_home", &[], None)
        .await;
    assert_eq!(api.status, 503, "{}", api.body);
    assert!(matches!(app_error(&api), AppError::Unavailable { .. }));
    assert_eq!(
        app.get(&app.tenant_host("bravo"), "/", None).await.status,
        200
    );
    // Nothing recreated an empty database in its place.
    assert!(!std::path::Path::new(&tenant.database_location).exists());
}
