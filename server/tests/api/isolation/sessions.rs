//! B's session replayed on A's host, anonymous visitors, and the apex's
//! and the tenants' server functions each on their own hosts.

use crate::helpers::{app_error, spawn_app, Backend};
use app::model::AppError;

async fn tenant_b_session_cannot_read_or_change_tenant_a(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut a_jar = app.signed_in_owner("alpha").await;
    let a_host = app.tenant_host("alpha");
    let added = app
        .call(
            &a_host,
            "add_team",
            &[("name", "Alpha secret team")],
            Some(&mut a_jar),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);

    let mut b_jar = app.signed_in_owner("bravo").await;
    // B's cookie, presented on A's host (what a browser never does by itself).
    b_jar.replay(&app.tenant_host("bravo"), &a_host);

    let page = app.get(&a_host, "/", Some(&mut b_jar)).await;
    assert!(page.body.contains("sign-in-required"), "{}", page.body);
    for secret in ["Alpha secret team", "Org alpha", "owner@alpha.test"] {
        assert!(
            !page.body.contains(secret),
            "{secret} leaked: {}",
            page.body
        );
    }

    let home = app
        .call(&a_host, "tenant_home", &[], Some(&mut b_jar))
        .await;
    assert_eq!(home.status, 401);
    assert_eq!(app_error(&home), AppError::Unauthorized);

    let add = app
        .call(
            &a_host,
            "add_team",
            &[("name", "Planted by B")],
            Some(&mut b_jar),
        )
        .await;
    assert_eq!(app_error(&add), AppError::Unauthorized);
    // The account functions see no one either: B's session is not a session
    // on A's host.
    for endpoint in ["account", "log_out_everywhere"] {
        let response = app.call(&a_host, endpoint, &[], Some(&mut b_jar)).await;
        assert_eq!(response.status, 401, "{endpoint}: {}", response.body);
    }
    let open = app
        .call(
            &a_host,
            "open_organization",
            &[("slug", "bravo")],
            Some(&mut b_jar),
        )
        .await;
    assert_eq!(open.status, 401, "{}", open.body);
    // B's own sessions were not ended by any of that.
    let b_home = app
        .call(
            &app.tenant_host("bravo"),
            "tenant_home",
            &[],
            Some(&mut b_jar),
        )
        .await;
    assert_eq!(b_home.status, 200, "{}", b_home.body);

    let a_home = app
        .call(&a_host, "tenant_home", &[], Some(&mut a_jar))
        .await;
    assert!(!a_home.body.contains("Planted by B"));
    assert!(a_home.body.contains(r#""team_count":1"#), "{}", a_home.body);
}

#[tokio::test]
async fn tenant_b_session_cannot_read_or_change_tenant_a_on_sqlite() {
    tenant_b_session_cannot_read_or_change_tenant_a(Backend::Sqlite).await;
}

#[tokio::test]
async fn tenant_b_session_cannot_read_or_change_tenant_a_on_postgres() {
    tenant_b_session_cannot_read_or_change_tenant_a(Backend::Postgres).await;
}

#[tokio::test]
async fn anonymous_visitors_get_nothing_from_a_tenant() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("alpha").await;
    let host = app.tenant_host("alpha");
    app.call(&host, "add_team", &[("name", "Hidden")], Some(&mut owner))
        .await;

    let page = app.get(&host, "/", None).await;
    assert!(page.body.contains("sign-in-required"));
    assert!(!page.body.contains("Hidden") && !page.body.contains("Org alpha"));
    assert_eq!(
        app_error(&app.call(&host, "tenant_home", &[], None).await),
        AppError::Unauthorized
    );
    assert_eq!(
        app_error(&app.call(&host, "add_team", &[("name", "x")], None).await),
        AppError::Unauthorized
    );
}

#[tokio::test]
async fn apex_server_functions_do_not_exist_on_tenant_hosts_and_vice_versa() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("alpha").await;
    let host = app.tenant_host("alpha");

    let signup_on_tenant = app
        .call(
            &host,
            "sign_up",
            &[
                ("org_name", "X"),
                ("subdomain", "xyz"),
                ("email", "a@b.co"),
                ("password", "long enough"),
            ],
            Some(&mut owner),
        )
        .await;
    assert_eq!(signup_on_tenant.status, 404);
    assert_eq!(app_error(&signup_on_tenant), AppError::NotFound);
    let teams_on_apex = app.call(&app.apex(), "tenant_home", &[], None).await;
    assert_eq!(app_error(&teams_on_apex), AppError::NotFound);
    assert_eq!(app.count_tenants().await, 1);
}
