//! The REST API under `/api/v1`: every operation the OpenAPI document
//! lists, called and checked against the document; errors in one shape;
//! tokens (shown once, stored hashed, last use recorded, revocable); and
//! the isolation matrix: tenant B's token and session get nothing of A.

mod conformance;
mod errors;
mod fuzz;
mod isolation;
mod schema;
mod tokens;

use crate::helpers::TestApp;
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
        let body = body.map(|value| value.to_string().into_bytes());
        self.api_bytes(slug, method, path, token, body, jar).await
    }

    /// [`TestApp::api`] with a body of any bytes, sent as JSON.
    pub async fn api_bytes(
        &self,
        slug: &str,
        method: &'static str,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let host = self.tenant_host(slug);
        let mut headers = vec![("Accept", "application/json".to_owned())];
        if let Some(token) = token {
            headers.push(("Authorization", format!("Bearer {token}")));
        }
        if body.is_some() {
            headers.push(("Content-Type", "application/json".to_owned()));
        }
        let path = format!("/api/v1{path}");
        http::send(
            self.port,
            Request {
                method,
                host: &host,
                path: &path,
                headers,
                body: body.unwrap_or_default(),
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

/// The HTTP method of an operation the document lists by `method`.
fn http_method(method: &str) -> &'static str {
    match method {
        "get" => "GET",
        "post" => "POST",
        "patch" => "PATCH",
        "delete" => "DELETE",
        other => panic!("undocumented method {other}"),
    }
}

impl Fixtures {
    /// The fixture a documented `path` names by `{id}` (0 for none).
    fn id_for(&self, path: &str) -> i64 {
        match path.split('/').nth(1) {
            Some("teams") => self.team,
            Some("repositories") => self.repository,
            Some("labels") => self.label,
            Some("rules") => self.rule,
            _ => 0,
        }
    }
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
