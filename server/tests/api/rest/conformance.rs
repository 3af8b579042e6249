//! Every operation the OpenAPI document lists, called and its answer
//! checked against the document.

use super::schema::check;
use super::{body_of, fixtures, http_method, Fixtures};
use crate::helpers::{spawn_app, Backend};
use serde_json::{json, Value};

/// A body that the operation accepts, for the schema it names.
fn example(schema: &str, tag: &str, f: &Fixtures) -> Value {
    match schema {
        "TeamBody" | "LabelBody" | "OrganizationBody" => {
            json!({ "name": format!("Named {tag}") })
        }
        "NewRepository" => json!({ "name": format!("acme/new-{tag}"), "labels": ["fresh"] }),
        "RepositoryChanges" => {
            json!({ "name": format!("acme/renamed-{tag}"), "labels": ["x", "y"] })
        }
        "RuleBody" => json!({ "team_id": f.team, "label": format!("label-{tag}") }),
        other => panic!("no example for {other}"),
    }
}

async fn every_documented_operation_answers_as_documented(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let token = app.api_token("acme", &mut owner, "admin").await;
    assert!(token.starts_with("tnt_"), "{token}");

    let doc = app
        .api("acme", "GET", "/openapi.json", None, None, None)
        .await;
    assert_eq!(doc.status, 200, "{}", doc.body);
    let doc = body_of(&doc);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut checked = 0;
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            let tag = format!("{checked}");
            let f = fixtures(&app, "acme", &token, &tag).await;
            // Each operation gets its own fixtures, so a delete deletes
            // something no other operation needs.
            let concrete = path.replace("{id}", &f.id_for(path).to_string());
            let body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .map(|r| example(r.rsplit('/').next().unwrap(), &tag, &f));
            let method_upper = http_method(method);
            let response = app
                .api(
                    "acme",
                    method_upper,
                    &concrete,
                    Some(&token),
                    body.as_ref(),
                    None,
                )
                .await;
            let (status, documented) = operation["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(code, _)| code.starts_with('2'))
                .unwrap();
            assert_eq!(
                response.status.to_string(),
                *status,
                "{method} {concrete}: {}",
                response.body
            );
            match documented["content"]["application/json"]["schema"].as_object() {
                Some(_) => {
                    let schema = &documented["content"]["application/json"]["schema"];
                    check(
                        &body_of(&response),
                        schema,
                        &doc,
                        &format!("{method} {path}"),
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                }
                None => assert!(
                    response.body.is_empty(),
                    "{method} {path}: {}",
                    response.body
                ),
            }
            // A method the document does not list is not allowed.
            if !operations.as_object().unwrap().contains_key("put") {
                let put = app
                    .api(
                        "acme",
                        "PUT",
                        &concrete,
                        Some(&token),
                        Some(&json!({})),
                        None,
                    )
                    .await;
                assert_eq!(put.status, 405, "PUT {concrete}");
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked, 22,
        "every operation of the table is in the document"
    );
    // Every mutation wrote the audit log, by the token's creator.
    let entries = app.audit_entries("acme").await;
    assert!(entries.iter().any(|e| e.action == "organization.rename"
        && e.actor_email == "owner@acme.test (API token \"admin token\")"));
}

#[tokio::test]
async fn every_documented_operation_answers_as_documented_on_sqlite() {
    every_documented_operation_answers_as_documented(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_documented_operation_answers_as_documented_on_postgres() {
    every_documented_operation_answers_as_documented(Backend::Postgres).await;
}
