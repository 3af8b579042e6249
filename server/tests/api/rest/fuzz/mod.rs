//! A fuzzer driven by the served OpenAPI document. Every query parameter
//! and every request-body property of every operation gets values on both
//! sides of each limit the document states (lengths, the character pattern,
//! bounds, sizes, the type), hostile ones (NUL, control and format
//! characters, SQL and LIKE metacharacters, numbers past 64 bits, invalid
//! UTF-8, bodies that are no JSON object), and hostile path ids. The answers
//! must agree with the document: a value it allows is never refused for
//! that field, a value it refuses is a 4xx, and nothing is ever a 5xx. It
//! runs on SQLite and on PostgreSQL, which refuses NUL in text where SQLite
//! stores it.
//!
//! What a schema cannot say well is left out of the "allowed" check (those
//! values get the other two): whether an id names something, and whether
//! an address (a repository's name with a colon) has a git scheme, a host
//! and a repository path; the document states its length and characters.
//! Values are made unique, so that no allowed value is refused as taken.

mod values;

use super::schema::resolved;
use super::{body_of, fixtures, http_method, Fixtures};
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::http::{encode, Response};
use serde_json::{json, Value};

struct Fuzz<'a> {
    app: &'a TestApp,
    /// Taken in turn: one token's allowance (600 a minute) is less than a
    /// run sends.
    tokens: Vec<String>,
    doc: Value,
    fixtures: Fixtures,
    seq: u64,
    sent: usize,
    findings: Vec<String>,
}

impl Fuzz<'_> {
    /// Notes where `response` disagrees with the document about `field`.
    fn judge(&mut self, what: &str, field: &str, allowed: Option<bool>, response: &Response) {
        self.sent += 1;
        let status = response.status;
        let refused_field = || {
            let body: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
            let fields = &body["error"]["fields"];
            [field, "body", "query"]
                .iter()
                .find(|f| fields.get(**f).is_some())
                .map(|f| fields[*f].to_string())
        };
        let short: String = response.body.chars().take(300).collect();
        if status >= 500 {
            self.findings.push(format!("{what}: {status} {short}"));
        } else if allowed == Some(true) && status == 422 {
            if let Some(message) = refused_field() {
                self.findings
                    .push(format!("{what}: documented as allowed, refused: {message}"));
            }
        } else if allowed == Some(false) && !(400..500).contains(&status) {
            self.findings.push(format!(
                "{what}: documented as refused, answered {status} {short}"
            ));
        }
    }

    async fn send(&self, method: &'static str, path: &str, body: Option<Vec<u8>>) -> Response {
        self.app
            .api_bytes(
                "acme",
                method,
                path,
                Some(&self.tokens[self.sent % self.tokens.len()]),
                body,
                None,
            )
            .await
    }

    fn id_for(&self, path: &str) -> i64 {
        self.fixtures.id_for(path)
    }

    async fn query_parameters(&mut self, method: &'static str, path: &str, operation: &Value) {
        let concrete = path.replace("{id}", &self.id_for(path).to_string());
        let parameters: Vec<Value> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .cloned()
            .collect();
        for parameter in parameters {
            let name = parameter["name"].as_str().unwrap().to_owned();
            let at = format!("{method} {path}?{name}");
            let schema = parameter["schema"].clone();
            let mut values = self.values(&schema, &at);
            // As query text, every value is a string: a number or `true`
            // stands for itself, the rest (objects, arrays) are left out.
            values.retain(|v| !v.is_object() && !v.is_array());
            for value in values {
                let text = value.as_str().map_or(value.to_string(), str::to_owned);
                // What the server reads: a number or a boolean where the
                // text is one, else the text.
                let read = serde_json::from_str::<Value>(&text)
                    .ok()
                    .filter(|v| v.is_number() || v.is_boolean())
                    .unwrap_or_else(|| Value::from(text.clone()));
                let allowed = self
                    .verdict(path, &name, &read, &schema)
                    .map(|allowed| allowed || self.allows(&Value::from(text.clone()), &schema));
                let url = format!("{concrete}?{name}={}", encode(&text));
                let response = self.send(method, &url, None).await;
                let shown: String = text.chars().take(40).collect();
                self.judge(&format!("{at}={shown:?}"), &name, allowed, &response);
            }
            // Invalid UTF-8: read as replacement characters, so the
            // document cannot say; never a 5xx.
            let response = self
                .send(method, &format!("{concrete}?{name}=%FF%FE"), None)
                .await;
            self.judge(&format!("{at}=%FF%FE"), &name, None, &response);
        }
    }

    /// Bodies made from `base` (one the operation accepts), one property
    /// changed at a time.
    async fn body_properties(
        &mut self,
        method: &'static str,
        path: &str,
        schema: &Value,
        base: &Value,
    ) {
        let concrete = path.replace("{id}", &self.id_for(path).to_string());
        let schema = resolved(schema, &self.doc).clone();
        let required: Vec<String> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect();
        for name in base.as_object().unwrap().keys() {
            let at = format!("{method} {path} .{name}");
            let property = schema["properties"][name].clone();
            let mut cases: Vec<(Option<Value>, Option<bool>)> = self
                .values(&property, &at)
                .into_iter()
                .map(|v| {
                    let allowed = self.verdict(path, name, &v, &property);
                    (Some(v), allowed)
                })
                .collect();
            if required.contains(name) {
                cases.push((Some(Value::Null), Some(false)));
                cases.push((None, Some(false)));
            }
            for (value, allowed) in cases {
                let mut body = base.clone();
                let shown = match &value {
                    Some(value) => {
                        body[name] = value.clone();
                        value.to_string().chars().take(40).collect::<String>()
                    }
                    None => {
                        body.as_object_mut().unwrap().remove(name);
                        "missing".to_owned()
                    }
                };
                let response = self
                    .send(method, &concrete, Some(body.to_string().into_bytes()))
                    .await;
                self.judge(&format!("{at}={shown}"), name, allowed, &response);
            }
        }
    }

    /// Bodies that are no JSON object of the schema at all.
    async fn malformed_bodies(&mut self, method: &'static str, path: &str) {
        let concrete = path.replace("{id}", &self.id_for(path).to_string());
        let nested = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        let bodies: Vec<(&str, Vec<u8>)> = vec![
            ("empty", Vec::new()),
            ("truncated", b"{\"name\":".to_vec()),
            ("an array", b"[]".to_vec()),
            ("null", b"null".to_vec()),
            ("invalid UTF-8", b"{\"name\":\"\xff\xfe\"}".to_vec()),
            ("5,000 levels deep", nested.into_bytes()),
            ("over the body limit", vec![b' '; 70 * 1024]),
        ];
        for (what, body) in bodies {
            let response = self.send(method, &concrete, Some(body)).await;
            self.judge(
                &format!("{method} {path} body {what}"),
                "body",
                Some(false),
                &response,
            );
        }
    }

    /// Ids that name nothing: 404, whatever their form.
    async fn hostile_ids(&mut self, method: &'static str, path: &str) {
        for id in [
            "abc",
            "-1",
            "0",
            "99999999999999999999",
            "%00",
            "1%2F2",
            "1.0",
            "%FF",
        ] {
            let concrete = path.replace("{id}", id);
            let body = (method == "PATCH").then(|| self.patch_body(path));
            let response = self.send(method, &concrete, body).await;
            self.sent += 1;
            if response.status != 404 {
                self.findings.push(format!(
                    "{method} {concrete}: {} where nothing is named",
                    response.status
                ));
            }
        }
    }
}

impl Fuzz<'_> {
    /// A body `PATCH path` accepts.
    fn patch_body(&self, path: &str) -> Vec<u8> {
        let schema = match path.split('/').nth(1) {
            Some("teams") => "TeamBody",
            Some("labels") => "LabelBody",
            Some("repositories") => "RepositoryChanges",
            Some("rules") => "RuleBody",
            _ => "OrganizationBody",
        };
        bases(schema, &self.fixtures)[0].to_string().into_bytes()
    }
}

/// Bodies each write operation accepts: every property it takes appears in
/// one of them (a rule names a pattern or a label, never both).
fn bases(schema: &str, f: &Fixtures) -> Vec<Value> {
    match schema {
        "TeamBody" | "LabelBody" | "OrganizationBody" => vec![json!({ "name": "Fuzzed" })],
        "NewRepository" | "RepositoryChanges" => {
            vec![json!({ "name": "acme/fuzzed", "labels": ["fuzz"] })]
        }
        "RuleBody" => vec![
            json!({ "team_id": f.team, "pattern": "^fuzz-" }),
            json!({ "team_id": f.team, "label": "fuzz" }),
        ],
        other => panic!("no base body for {other}: add one"),
    }
}

async fn what_the_document_allows_is_taken_and_the_rest_is_a_clear_4xx(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(app.api_token("acme", &mut owner, "admin").await);
    }
    let doc = body_of(
        &app.api("acme", "GET", "/openapi.json", None, None, None)
            .await,
    );
    let fixtures = fixtures(&app, "acme", &tokens[0], "fz").await;
    let mut fuzz = Fuzz {
        app: &app,
        tokens,
        doc: doc.clone(),
        fixtures,
        seq: 0,
        sent: 0,
        findings: Vec::new(),
    };
    let (mut parameters, mut bodies) = (0, 0);
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let method = http_method(method);
            if operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"))
            {
                parameters += 1;
                fuzz.query_parameters(method, path, operation).await;
            }
            if let Some(reference) =
                operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
            {
                bodies += 1;
                let name = reference.rsplit('/').next().unwrap();
                let schema = json!({ "$ref": reference });
                for base in bases(name, &fuzz.fixtures) {
                    fuzz.body_properties(method, path, &schema, &base).await;
                }
                fuzz.malformed_bodies(method, path).await;
            }
            if path.contains("{id}") {
                fuzz.hostile_ids(method, path).await;
            }
        }
    }
    assert_eq!(
        (parameters, bodies),
        (4, 9),
        "the list operations with query parameters and the write operations with bodies"
    );
    assert!(fuzz.sent > 800, "only {} requests were sent", fuzz.sent);
    assert!(
        fuzz.findings.is_empty(),
        "{} of {} requests disagree with the document:\n{}",
        fuzz.findings.len(),
        fuzz.sent,
        fuzz.findings.join("\n")
    );
}

#[tokio::test]
async fn what_the_document_allows_is_taken_and_the_rest_is_a_clear_4xx_on_sqlite() {
    what_the_document_allows_is_taken_and_the_rest_is_a_clear_4xx(Backend::Sqlite).await;
}

#[tokio::test]
async fn what_the_document_allows_is_taken_and_the_rest_is_a_clear_4xx_on_postgres() {
    what_the_document_allows_is_taken_and_the_rest_is_a_clear_4xx(Backend::Postgres).await;
}
