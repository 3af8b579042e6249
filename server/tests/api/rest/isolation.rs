//! The isolation matrix: tenant B's token and session get nothing of A.

use super::{body_of, error_of, fixtures};
use crate::helpers::{spawn_app, Backend};
use serde_json::json;

/// The isolation matrix: B's token and B's session, on A's host and with
/// A's ids on B's host, for every operation that names an item: 401 or 404,
/// never A's data, and A unchanged.
async fn tenant_b_gets_nothing_of_tenant_a_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut a_owner = app.signed_in_owner("alpha").await;
    let a_token = app.api_token("alpha", &mut a_owner, "admin").await;
    let a = fixtures(&app, "alpha", &a_token, "secret").await;
    let mut b_owner = app.signed_in_owner("bravo").await;
    let b_token = app.api_token("bravo", &mut b_owner, "admin").await;
    let a_entries = app.audit_entries("alpha").await.len();

    let doc = body_of(
        &app.api("alpha", "GET", "/openapi.json", None, None, None)
            .await,
    );
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let id = match path.split('/').nth(1).unwrap() {
                "teams" => a.team,
                "repositories" => a.repository,
                "labels" => a.label,
                "rules" => a.rule,
                _ => 0,
            };
            let concrete = path.replace("{id}", &id.to_string());
            let method: &'static str = match method.as_str() {
                "get" => "GET",
                "post" => "POST",
                "patch" => "PATCH",
                _ => "DELETE",
            };
            let body = json!({ "name": "planted", "team_id": a.team, "pattern": "x" });
            // B's token and B's session on A's host: nobody there.
            let with_token = app
                .api(
                    "alpha",
                    method,
                    &concrete,
                    Some(&b_token),
                    Some(&body),
                    None,
                )
                .await;
            let mut replayed = b_owner.clone();
            replayed.replay(&app.tenant_host("bravo"), &app.tenant_host("alpha"));
            let with_session = app
                .api(
                    "alpha",
                    method,
                    &concrete,
                    None,
                    Some(&body),
                    Some(&mut replayed),
                )
                .await;
            for response in [&with_token, &with_session] {
                assert_eq!(
                    response.status, 401,
                    "{method} {concrete}: {}",
                    response.body
                );
                assert!(!response.body.contains("secret"), "{method} {concrete}");
            }
            // B's credentials on B's host, naming A's items: nothing.
            if path.contains("{id}") {
                let with_token = app
                    .api(
                        "bravo",
                        method,
                        &concrete,
                        Some(&b_token),
                        Some(&body),
                        None,
                    )
                    .await;
                let with_session = app
                    .api(
                        "bravo",
                        method,
                        &concrete,
                        None,
                        Some(&body),
                        Some(&mut b_owner),
                    )
                    .await;
                for response in [&with_token, &with_session] {
                    assert_eq!(
                        response.status, 404,
                        "{method} {concrete}: {}",
                        response.body
                    );
                    assert_eq!(error_of(response).1, "not_found");
                    assert!(!response.body.contains("secret"), "{method} {concrete}");
                }
            }
        }
    }
    assert_eq!(
        app.audit_entries("alpha").await.len(),
        a_entries,
        "A unchanged"
    );
    let a_repository = app
        .api(
            "alpha",
            "GET",
            &format!("/repositories/{}", a.repository),
            Some(&a_token),
            None,
            None,
        )
        .await;
    assert!(
        a_repository.body.contains("secret-api"),
        "{}",
        a_repository.body
    );
}

#[tokio::test]
async fn tenant_b_gets_nothing_of_tenant_a_through_the_api_on_sqlite() {
    tenant_b_gets_nothing_of_tenant_a_through_the_api(Backend::Sqlite).await;
}

#[tokio::test]
async fn tenant_b_gets_nothing_of_tenant_a_through_the_api_on_postgres() {
    tenant_b_gets_nothing_of_tenant_a_through_the_api(Backend::Postgres).await;
}
