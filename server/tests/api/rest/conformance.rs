//! Every operation the OpenAPI document lists, called and its answer
//! checked against the document.

use super::{body_of, fixtures, Fixtures};
use crate::helpers::{spawn_app, Backend};
use serde_json::{json, Value};

/// Checks `value` against `schema` (the subset of JSON Schema the document
/// uses), naming the first mismatch. A property no schema documents is a
/// mismatch too.
fn check(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), String> {
    check_in(value, schema, doc, at, true)
}

/// `schema`, or the schema its `$ref` names.
fn resolved<'a>(schema: &'a Value, doc: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            resolved(&doc["components"]["schemas"][name], doc)
        }
        None => schema,
    }
}

/// The properties `schema` documents for `value`: its own, every `allOf`
/// part's, and those of the `oneOf` branch `value` matches.
fn documented(value: &Value, schema: &Value, doc: &Value) -> Vec<String> {
    let schema = resolved(schema, doc);
    let mut names: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(documented(value, part, doc));
    }
    for branch in schema["oneOf"].as_array().into_iter().flatten() {
        if check_in(value, branch, doc, "", false).is_ok() {
            names.extend(documented(value, branch, doc));
        }
    }
    names
}

/// [`check`]; `strict`: a property no schema documents is a mismatch (off
/// inside an `allOf`, whose parts each document some of the properties).
fn check_in(
    value: &Value,
    schema: &Value,
    doc: &Value,
    at: &str,
    strict: bool,
) -> Result<(), String> {
    let schema = resolved(schema, doc);
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            check_in(value, part, doc, at, false)?;
        }
        if let (true, Some(object)) = (strict, value.as_object()) {
            let names = documented(value, schema, doc);
            if let Some(name) = object.keys().find(|k| !names.contains(k)) {
                return Err(format!("{at}: {name} is not documented"));
            }
        }
    }
    if let Some(branches) = schema["oneOf"].as_array() {
        let matching = branches
            .iter()
            .filter(|branch| check_in(value, branch, doc, at, strict).is_ok())
            .count();
        if matching != 1 {
            return Err(format!(
                "{at}: {value} matches {matching} of the {} schemas it may be",
                branches.len()
            ));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_ok = types.is_empty()
        || types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
    if !type_ok {
        return Err(format!("{at}: {value} is not {types:?}"));
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            return Err(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                return Err(format!("{at}: missing {name} in {value}"));
            }
        }
        for (name, property) in object {
            match schema["properties"].get(name) {
                Some(sub) => check(property, sub, doc, &format!("{at}.{name}"))?,
                None if schema["additionalProperties"].is_object() => check(
                    property,
                    &schema["additionalProperties"],
                    doc,
                    &format!("{at}.{name}"),
                )?,
                None if strict && schema["properties"].is_object() => {
                    return Err(format!("{at}: {name} is not documented"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(item, schema, doc, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// A body that the operation accepts, for the schema it names.
fn example(schema: &str, tag: &str, f: &Fixtures) -> Value {
    match schema {
        "NameBody" => json!({ "name": format!("Named {tag}") }),
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
            let id = match path.split('/').nth(1).unwrap() {
                "teams" => f.team,
                "repositories" => f.repository,
                "labels" => f.label,
                "rules" => f.rule,
                _ => 0,
            };
            let concrete = path.replace("{id}", &id.to_string());
            let body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .map(|r| example(r.rsplit('/').next().unwrap(), &tag, &f));
            let method_upper: &'static str = match method.as_str() {
                "get" => "GET",
                "post" => "POST",
                "patch" => "PATCH",
                "delete" => "DELETE",
                other => panic!("undocumented method {other}"),
            };
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
