//! The REST API under `/api/v1`: every operation the OpenAPI document
//! lists, called and checked against the document; errors in one shape;
//! tokens (shown once, stored hashed, last use recorded, revocable); and
//! the isolation matrix: tenant B's token and session get nothing of A.

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::http::{self, CookieJar, Request, Response};
use serde_json::{json, Value};

impl TestApp {
    /// Calls the API on `slug`'s host with a bearer token and/or a jar.
    pub async fn api(
        &self,
        slug: &str,
        method: &'static str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let host = self.tenant_host(slug);
        let mut headers = vec![("Accept", "application/json".to_owned())];
        if let Some(token) = token {
            headers.push(("Authorization", format!("Bearer {token}")));
        }
        let body = match body {
            Some(value) => {
                headers.push(("Content-Type", "application/json".to_owned()));
                value.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let path = format!("/api/v1{path}");
        http::send(
            self.port,
            Request {
                method,
                host: &host,
                path: &path,
                headers,
                body,
            },
            jar,
        )
        .await
    }

    /// An API token of `slug` with `role`, created through the tokens page's
    /// server functions by a signed-in owner (`jar`).
    pub async fn api_token(&self, slug: &str, jar: &mut CookieJar, role: &str) -> String {
        let host = self.tenant_host(slug);
        let created = self
            .call(
                &host,
                "create_api_token",
                &[("name", &format!("{role} token")), ("role", role)],
                Some(jar),
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        let page = self.call(&host, "api_tokens", &[], Some(jar)).await;
        let page: Value = serde_json::from_str(&page.body).unwrap();
        page["just_created"]["secret"]
            .as_str()
            .unwrap_or_else(|| panic!("no secret in {page}"))
            .to_owned()
    }
}

fn body_of(response: &Response) -> Value {
    serde_json::from_str(&response.body)
        .unwrap_or_else(|e| panic!("{e}: {} {}", response.status, response.body))
}

/// Checks `value` against `schema` (the subset of JSON Schema the document
/// uses), naming the first mismatch.
fn check(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return check(value, &doc["components"]["schemas"][name], doc, at);
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
                None if schema["properties"].is_object() => {
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

/// One organization's fixtures, made through the API.
struct Fixtures {
    team: i64,
    repository: i64,
    label: i64,
    rule: i64,
}

async fn fixtures(app: &TestApp, slug: &str, token: &str, tag: &str) -> Fixtures {
    let post = |path: &'static str, body: Value| async move {
        let response = app
            .api(slug, "POST", path, Some(token), Some(&body), None)
            .await;
        assert_eq!(response.status, 201, "{path}: {}", response.body);
        body_of(&response)["id"].as_i64().unwrap()
    };
    let team = post("/teams", json!({ "name": format!("Team {tag}") })).await;
    let repository = post(
        "/repositories",
        json!({ "name": format!("https://github.com/{slug}/{tag}-api.git"), "labels": [tag] }),
    )
    .await;
    let label = post("/labels", json!({ "name": format!("label-{tag}") })).await;
    let rule = post(
        "/rules",
        json!({ "team_id": team, "pattern": format!("{tag}-") }),
    )
    .await;
    Fixtures {
        team,
        repository,
        label,
        rule,
    }
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

fn error_of(response: &Response) -> (u16, String, Value) {
    let body = body_of(response);
    let error = &body["error"];
    assert_eq!(error["status"], response.status, "{body}");
    assert!(error["message"].is_string(), "{body}");
    (
        response.status,
        error["code"].as_str().unwrap().to_owned(),
        error["fields"].clone(),
    )
}

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

#[tokio::test]
async fn a_token_never_acts_above_its_creator_now_and_stops_when_they_leave() {
    use app::model::Role;
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    let token = app.api_token("acme", &mut admin, "admin").await;
    let create = |name: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.api(
                "acme",
                "POST",
                "/teams",
                Some(&token),
                Some(&json!({ "name": name })),
                None,
            )
            .await
        }
    };
    assert_eq!(create("While admin").await.status, 201);

    let admin_id = app
        .audit_entries("acme")
        .await
        .iter()
        .find(|e| e.action == "api_token.create")
        .and_then(|e| e.actor_id)
        .unwrap()
        .to_string();
    let host = app.tenant_host("acme");
    let demoted = app
        .call(
            &host,
            "change_member_roles",
            &[("user_ids", &admin_id), ("role", "viewer")],
            Some(&mut owner),
        )
        .await;
    assert_eq!(demoted.status, 200, "{}", demoted.body);
    assert_eq!(error_of(&create("While viewer").await).1, "forbidden");
    let read = app
        .api("acme", "GET", "/teams", Some(&token), None, None)
        .await;
    assert_eq!(read.status, 200);

    let removed = app
        .call(
            &host,
            "remove_members",
            &[("user_ids", &admin_id)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let gone = app
        .api("acme", "GET", "/teams", Some(&token), None, None)
        .await;
    assert_eq!(error_of(&gone).1, "unauthorized");
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

#[tokio::test]
async fn each_token_and_member_has_its_own_request_allowance() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let busy = app.api_token("acme", &mut owner, "admin").await;
    let other = app.api_token("acme", &mut owner, "viewer").await;
    for i in 0..Limits::API_PER_CALLER.max {
        let answer = read(&app, "acme", Some(&busy), None).await;
        assert_eq!(answer.status, 200, "request {i}: {}", answer.body);
    }
    let refused = read(&app, "acme", Some(&busy), None).await;
    let (status, code, _) = error_of(&refused);
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After: {:?}", refused.headers));
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");

    // Only that token waits: not another token, nor the member's session,
    // nor another organization.
    assert_eq!(read(&app, "acme", Some(&other), None).await.status, 200);
    assert_eq!(read(&app, "acme", None, Some(&mut owner)).await.status, 200);
    let mut globex = app.signed_in_owner("globex").await;
    assert_eq!(
        read(&app, "globex", None, Some(&mut globex)).await.status,
        200
    );
    // Token ids start over in each organization's database: globex's first
    // token has busy's id, and its own allowance.
    let theirs = app.api_token("globex", &mut globex, "admin").await;
    assert_eq!(read(&app, "globex", Some(&theirs), None).await.status, 200);
}

#[tokio::test]
async fn an_organization_has_one_allowance_however_many_tokens_it_makes() {
    use app::server::rate_limit::Limits;
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let per_caller = Limits::API_PER_CALLER.max;
    let tokens = Limits::API_PER_TENANT.max.div_ceil(per_caller);
    let mut answered = 0;
    for t in 0..tokens {
        let token = app.api_token("acme", &mut owner, "viewer").await;
        while answered < Limits::API_PER_TENANT.max && answered < (t + 1) * per_caller {
            let answer = read(&app, "acme", Some(&token), None).await;
            assert_eq!(answer.status, 200, "request {answered}: {}", answer.body);
            answered += 1;
        }
    }
    let fresh = app.api_token("acme", &mut owner, "viewer").await;
    let refused = read(&app, "acme", Some(&fresh), None).await;
    assert_eq!(error_of(&refused).0, 429, "{}", refused.body);
    assert!(refused.header("retry-after").is_some());

    let mut globex = app.signed_in_owner("globex").await;
    let theirs = app.api_token("globex", &mut globex, "viewer").await;
    assert_eq!(read(&app, "globex", Some(&theirs), None).await.status, 200);
}

/// `GET /api/v1/organization` on `slug`'s host.
async fn read(
    app: &TestApp,
    slug: &str,
    token: Option<&str>,
    jar: Option<&mut CookieJar>,
) -> Response {
    app.api(slug, "GET", "/organization", token, None, jar)
        .await
}
