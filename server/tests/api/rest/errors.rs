//! Errors in one shape (status, code, message, fields), tokens checked
//! on every request, shown once, stored hashed and revocable; refused
//! input changes nothing.

use super::{body_of, error_of};
use crate::helpers::{spawn_app, Backend};
use serde_json::json;

#[tokio::test]
async fn errors_have_one_shape_and_tokens_are_checked_each_time() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let admin = app.api_token("acme", &mut owner, "admin").await;
    let viewer = app.api_token("acme", &mut owner, "viewer").await;

    let anonymous = app.api("acme", "GET", "/teams", None, None, None).await;
    assert_eq!(error_of(&anonymous).1, "unauthorized");
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    let forged = app
        .api("acme", "GET", "/teams", Some("tnt_0000"), None, None)
        .await;
    assert_eq!(error_of(&forged).0, 401);

    let refused = app
        .api(
            "acme",
            "POST",
            "/teams",
            Some(&viewer),
            Some(&json!({ "name": "X" })),
            None,
        )
        .await;
    assert_eq!(error_of(&refused).1, "forbidden");
    let read = app
        .api("acme", "GET", "/teams", Some(&viewer), None, None)
        .await;
    assert_eq!(read.status, 200, "{}", read.body);

    let missing = app
        .api("acme", "GET", "/teams/999", Some(&admin), None, None)
        .await;
    assert_eq!(error_of(&missing).1, "not_found");
    let unknown = app
        .api("acme", "GET", "/nothing", Some(&admin), None, None)
        .await;
    assert_eq!(error_of(&unknown).0, 404);
    let not_an_id = app
        .api("acme", "GET", "/teams/abc", Some(&admin), None, None)
        .await;
    assert_eq!(error_of(&not_an_id).1, "not_found");
    let bad_query = app
        .api(
            "acme",
            "GET",
            "/repositories?unassigned=maybe",
            Some(&admin),
            None,
            None,
        )
        .await;
    let (status, _, fields) = error_of(&bad_query);
    assert_eq!(status, 422);
    assert!(fields["query"].is_string(), "{fields}");
    let bad_sort = app
        .api(
            "acme",
            "GET",
            "/repositories?sort=size",
            Some(&admin),
            None,
            None,
        )
        .await;
    assert_eq!(
        error_of(&bad_sort).2["sort"],
        "Sort by name, -name, newest or oldest."
    );

    let empty = app
        .api(
            "acme",
            "POST",
            "/teams",
            Some(&admin),
            Some(&json!({ "name": " " })),
            None,
        )
        .await;
    let (status, code, fields) = error_of(&empty);
    assert_eq!((status, code.as_str()), (422, "validation_failed"));
    assert_eq!(fields["name"], "Enter a team name.");
    let bad_pattern = app
        .api(
            "acme",
            "POST",
            "/rules",
            Some(&admin),
            Some(&json!({ "team_id": 1, "pattern": "(" })),
            None,
        )
        .await;
    assert!(error_of(&bad_pattern).2["pattern"]
        .as_str()
        .unwrap()
        .starts_with("This is not a valid pattern"));
    let malformed = app
        .api(
            "acme",
            "POST",
            "/teams",
            Some(&admin),
            Some(&json!([1, 2])),
            None,
        )
        .await;
    let (status, _, fields) = error_of(&malformed);
    assert_eq!(status, 422);
    assert!(fields["body"]
        .as_str()
        .unwrap()
        .starts_with("Send a JSON object"));

    // Pagination bounds.
    for i in 0..3 {
        app.api(
            "acme",
            "POST",
            "/teams",
            Some(&admin),
            Some(&json!({ "name": format!("T{i}") })),
            None,
        )
        .await;
    }
    let page = body_of(
        &app.api(
            "acme",
            "GET",
            "/teams?page=2&per_page=2",
            Some(&admin),
            None,
            None,
        )
        .await,
    );
    assert_eq!(
        (
            page["total"].as_u64(),
            page["items"].as_array().map(Vec::len)
        ),
        (Some(3), Some(1))
    );

    // The session works too, with the member's role.
    let via_session = app
        .api("acme", "GET", "/organization", None, None, Some(&mut owner))
        .await;
    assert_eq!(body_of(&via_session)["slug"], "acme");

    // Last use recorded; the secret is not stored; revoked is revoked.
    let tokens = app
        .call(
            &app.tenant_host("acme"),
            "api_tokens",
            &[],
            Some(&mut owner),
        )
        .await;
    let tokens = body_of(&tokens);
    assert!(tokens["just_created"].is_null(), "shown once: {tokens}");
    let admin_row = tokens["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "admin token")
        .unwrap()
        .clone();
    assert!(admin_row["last_used"].is_string(), "{admin_row}");
    let tenant = app.tenant("acme").await.unwrap();
    let db = app.tenant_db(&tenant).await;
    use sea_orm::EntityTrait;
    let stored = app::server::entities::tenant::api_tokens::Entity::find()
        .all(&db)
        .await
        .unwrap();
    db.close().await.ok();
    assert!(stored
        .iter()
        .all(|t| !t.digest.contains(&admin[4..]) && t.digest.len() == 64));
    let id = admin_row["id"].to_string();
    let revoked = app
        .call(
            &app.tenant_host("acme"),
            "revoke_api_token",
            &[("id", &id)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let after = app
        .api("acme", "GET", "/teams", Some(&admin), None, None)
        .await;
    assert_eq!(after.status, 401);

    // Only owners and admins manage tokens, and none above their own role.
    let mut member = app.signed_in_as("acme", app::model::Role::Member).await;
    let denied = app
        .call(
            &app.tenant_host("acme"),
            "create_api_token",
            &[("name", "mine"), ("role", "viewer")],
            Some(&mut member),
        )
        .await;
    assert_eq!(denied.status, 403);
    let owner_token = app
        .call(
            &app.tenant_host("acme"),
            "create_api_token",
            &[("name", "root"), ("role", "owner")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(owner_token.status, 422, "{}", owner_token.body);
}

#[tokio::test]
async fn a_bad_label_changes_nothing_and_pages_past_the_end_are_empty() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let token = app.api_token("acme", &mut owner, "admin").await;
    let refused = app
        .api(
            "acme",
            "POST",
            "/repositories",
            Some(&token),
            Some(&json!({ "name": "acme/api", "labels": ["x".repeat(51)] })),
            None,
        )
        .await;
    assert_eq!(
        error_of(&refused).2["labels"],
        "Use at most 50 characters for a label."
    );
    let list = body_of(
        &app.api("acme", "GET", "/repositories", Some(&token), None, None)
            .await,
    );
    assert_eq!(list["total"], 0, "nothing was linked: {list}");

    let created = app
        .api(
            "acme",
            "POST",
            "/repositories",
            Some(&token),
            Some(&json!({ "name": "acme/api", "labels": ["Äpfel", "äpfel"] })),
            None,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(body_of(&created)["labels"], json!(["Äpfel"]));
    let past = body_of(
        &app.api(
            "acme",
            "GET",
            "/repositories?page=5",
            Some(&token),
            None,
            None,
        )
        .await,
    );
    assert_eq!(
        (past["page"].as_u64(), past["total"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(past["items"], json!([]));
}
