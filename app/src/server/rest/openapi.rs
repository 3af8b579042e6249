//! The OpenAPI 3.1 document of the REST API, served at
//! `/api/v1/openapi.json`. Built from [`OPERATIONS`], the table of every
//! route; `server/tests/api/rest.rs` calls each documented operation and
//! checks the answer against the document's schemas.

use axum::Json;
use serde_json::{json, Map, Value};

/// One operation of the API.
pub struct Operation {
    pub method: &'static str,
    /// Under `/api/v1`, with `{id}` for a path parameter.
    pub path: &'static str,
    pub summary: &'static str,
    /// The permission it needs (`Role::grants`).
    pub permission: &'static str,
    /// The request body's schema, if it takes one.
    pub body: Option<&'static str>,
    /// The success status and its body's schema (`None`: no body).
    pub status: u16,
    pub response: Option<&'static str>,
    /// The query parameters it reads.
    pub query: &'static [&'static str],
}

const PAGING: &[&str] = &["page", "per_page"];
const REPOSITORY_FILTERS: &[&str] = &[
    "q",
    "team_id",
    "label",
    "unassigned",
    "sort",
    "page",
    "per_page",
];

macro_rules! op {
    ($method:literal $path:literal, $summary:literal, $permission:literal, $body:expr, $status:literal, $response:expr, $query:expr) => {
        Operation {
            method: $method,
            path: $path,
            summary: $summary,
            permission: $permission,
            body: $body,
            status: $status,
            response: $response,
            query: $query,
        }
    };
}

/// Every operation, in the order the document lists them.
pub const OPERATIONS: &[Operation] = &[
    op!("get" "/organization", "The organization", "ViewOrganization", None, 200, Some("Organization"), &[]),
    op!("patch" "/organization", "Rename the organization", "ManageSettings", Some("NameBody"), 200, Some("Organization"), &[]),
    op!("get" "/teams", "List teams", "ViewOrganization", None, 200, Some("TeamPage"), PAGING),
    op!("post" "/teams", "Create a team", "ManageTeams", Some("NameBody"), 201, Some("Team"), &[]),
    op!("get" "/teams/{id}", "Get a team", "ViewOrganization", None, 200, Some("Team"), &[]),
    op!("patch" "/teams/{id}", "Rename a team", "ManageTeams", Some("NameBody"), 200, Some("Team"), &[]),
    op!("delete" "/teams/{id}", "Delete a team (its rules and decisions too)", "ManageTeams", None, 204, None, &[]),
    op!("get" "/repositories", "List repositories", "ViewOrganization", None, 200, Some("RepositoryPage"), REPOSITORY_FILTERS),
    op!("post" "/repositories", "Link a repository by name or address", "ManageRepositories", Some("NewRepository"), 201, Some("Repository"), &[]),
    op!("get" "/repositories/{id}", "Get a repository with its teams and why", "ViewOrganization", None, 200, Some("Repository"), &[]),
    op!("patch" "/repositories/{id}", "Rename a repository or set its labels", "ManageRepositories", Some("RepositoryChanges"), 200, Some("Repository"), &[]),
    op!("delete" "/repositories/{id}", "Unlink a repository", "ManageRepositories", None, 204, None, &[]),
    op!("get" "/labels", "List labels", "ViewOrganization", None, 200, Some("LabelPage"), PAGING),
    op!("post" "/labels", "Create a label", "ManageRepositories", Some("NameBody"), 201, Some("Label"), &[]),
    op!("get" "/labels/{id}", "Get a label", "ViewOrganization", None, 200, Some("Label"), &[]),
    op!("patch" "/labels/{id}", "Rename a label", "ManageRepositories", Some("NameBody"), 200, Some("Label"), &[]),
    op!("delete" "/labels/{id}", "Delete a label (and its rules)", "ManageRepositories", None, 204, None, &[]),
    op!("get" "/rules", "List mapping rules", "ViewOrganization", None, 200, Some("RulePage"), PAGING),
    op!("post" "/rules", "Create a mapping rule", "ManageRepositories", Some("RuleBody"), 201, Some("Rule"), &[]),
    op!("get" "/rules/{id}", "Get a mapping rule", "ViewOrganization", None, 200, Some("Rule"), &[]),
    op!("patch" "/rules/{id}", "Change a mapping rule", "ManageRepositories", Some("RuleBody"), 200, Some("Rule"), &[]),
    op!("delete" "/rules/{id}", "Delete a mapping rule", "ManageRepositories", None, 204, None, &[]),
];

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}

fn page_of(item: &str) -> Value {
    object(
        &["items", "page", "per_page", "total"],
        json!({
            "items": { "type": "array", "items": reference(item) },
            "page": { "type": "integer", "minimum": 1 },
            "per_page": { "type": "integer", "minimum": 1, "maximum": crate::server::rest::MAX_PER_PAGE },
            "total": { "type": "integer", "minimum": 0 },
        }),
    )
}

fn schemas() -> Value {
    let id = json!({ "type": "integer" });
    let text = json!({ "type": "string" });
    let count = json!({ "type": "integer", "minimum": 0 });
    json!({
        "Organization": object(&["slug", "name"], json!({ "slug": text, "name": text })),
        "Team": object(&["id", "name", "repository_count"], json!({
            "id": id, "name": text, "repository_count": count,
        })),
        "Why": object(&["kind"], json!({
            "kind": { "type": "string", "enum": ["manual", "pattern", "label"] },
            "rule_id": id, "pattern": text, "label": text,
        })),
        "Ownership": object(&["team_id", "team_name", "why"], json!({
            "team_id": id, "team_name": text,
            "why": { "type": "array", "items": reference("Why") },
        })),
        "Repository": object(&["id", "name", "url", "labels", "teams"], json!({
            "id": id, "name": text,
            "url": { "type": ["string", "null"] },
            "labels": { "type": "array", "items": text },
            "teams": { "type": "array", "items": reference("Ownership") },
        })),
        "Label": object(&["id", "name", "repository_count"], json!({
            "id": id, "name": text, "repository_count": count,
        })),
        "Rule": object(&["id", "team_id", "team_name", "repository_count"], json!({
            "id": id, "team_id": id, "team_name": text, "repository_count": count,
            "pattern": { "type": "string", "description": "For a pattern rule." },
            "label_id": { "type": "integer", "description": "For a label rule." },
            "label": { "type": "string", "description": "For a label rule." },
        })),
        "TeamPage": page_of("Team"),
        "RepositoryPage": page_of("Repository"),
        "LabelPage": page_of("Label"),
        "RulePage": page_of("Rule"),
        "NameBody": object(&["name"], json!({ "name": text })),
        "NewRepository": object(&["name"], json!({
            "name": { "type": "string", "description": "owner/name or a git address" },
            "labels": { "type": "array", "items": text },
        })),
        "RepositoryChanges": object(&[], json!({
            "name": text,
            "labels": { "type": "array", "items": text },
        })),
        "RuleBody": object(&["team_id"], json!({
            "team_id": id,
            "pattern": { "type": "string", "description": "Exactly one of pattern and label." },
            "label": text,
        })),
        "Error": object(&["error"], json!({
            "error": object(&["status", "code", "message"], json!({
                "status": { "type": "integer" },
                "code": { "type": "string", "enum": [
                    "not_found", "unauthorized", "forbidden", "validation_failed",
                    "internal", "unavailable", "rate_limited", "bad_request"
                ] },
                "message": text,
                "fields": { "type": "object", "additionalProperties": text },
                "request_id": text,
            })),
        })),
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": reference("Error") } },
    })
}

fn operation(op: &Operation) -> Value {
    let mut responses = Map::new();
    let success = match op.response {
        Some(schema) => json!({
            "description": "Success",
            "content": { "application/json": { "schema": reference(schema) } },
        }),
        None => json!({ "description": "Done; no body" }),
    };
    responses.insert(op.status.to_string(), success);
    responses.insert("401".into(), error_response("No valid token or session"));
    responses.insert(
        "403".into(),
        error_response("The caller's role does not grant the permission"),
    );
    let mut too_many =
        error_response("Too many requests from this token or member, or from this organization");
    too_many["headers"] = json!({
        "Retry-After": {
            "description": "Seconds until a request is allowed again",
            "schema": { "type": "integer", "minimum": 1 },
        },
    });
    responses.insert("429".into(), too_many);
    if op.path.contains("{id}") {
        responses.insert(
            "404".into(),
            error_response("No such item in this organization"),
        );
    }
    if op.body.is_some() || !op.query.is_empty() {
        responses.insert("422".into(), error_response("Field errors"));
    }
    let mut parameters: Vec<Value> = Vec::new();
    if op.path.contains("{id}") {
        parameters.push(json!({
            "name": "id", "in": "path", "required": true, "schema": { "type": "integer" },
        }));
    }
    for name in op.query {
        let schema = match *name {
            "q" | "label" => json!({ "type": "string" }),
            "sort" => json!({ "type": "string", "enum": ["name", "-name", "newest", "oldest"] }),
            "unassigned" => json!({ "type": "boolean" }),
            _ => json!({ "type": "integer", "minimum": 1 }),
        };
        parameters.push(json!({ "name": name, "in": "query", "schema": schema }));
    }
    let mut value = json!({
        "summary": op.summary,
        "operationId": format!("{}{}", op.method, op.path.replace(['/', '{', '}'], "_")),
        "description": format!("Needs the {} permission.", op.permission),
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(schema) = op.body {
        value["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": reference(schema) } },
        });
    }
    value
}

/// The whole document.
pub fn build() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation(op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Tenantry API",
            "version": "1",
            "description": "An organization's teams, repositories, labels and mapping rules. \
                Authenticate with `Authorization: Bearer <API token>` (created by an \
                organization's admins) or a browser session. Anything of another \
                organization is 404.",
        },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "token": [] }, { "session": [] }],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "token": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": "tenantry_session" },
            },
        },
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}
