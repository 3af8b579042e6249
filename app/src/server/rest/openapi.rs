//! The OpenAPI 3.1 document of the REST API, served at
//! `/api/v1/openapi.json`. Its paths, parameters and schemas come from the
//! handlers' `#[utoipa::path]` attributes and the types' `ToSchema`, gathered
//! while the routes are registered (so a route cannot be left out of it);
//! [`conventions`] then adds what every operation shares: the error answers
//! and how to authenticate. `server/tests/api/rest.rs` calls each documented
//! operation and checks the answer against the document's schemas.

use super::error::ErrorBody;
use crate::server::cookies;
use serde_json::{json, Value};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tenantry API",
        version = "1",
        description = "An organization's teams, repositories, labels and mapping rules. \
            Authenticate with `Authorization: Bearer <API token>` (created by an \
            organization's admins) or a browser session. Anything of another \
            organization is 404."
    ),
    servers((url = "/api/v1")),
    components(schemas(ErrorBody))
)]
pub struct ApiDoc;

/// The document of `api` (the routes' own), with the shared conventions.
pub fn finish(api: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(api).expect("an OpenAPI document is JSON");
    conventions(&mut doc);
    doc
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
    })
}

/// An error answer that may say when to try again.
fn retry_after(description: &str, header: &str) -> Value {
    let mut response = error_response(description);
    response["headers"] = json!({
        "Retry-After": {
            "description": header,
            "schema": { "type": "integer", "minimum": 1 },
        },
    });
    response
}

/// What every operation shares: who may call it and the errors it answers.
fn conventions(doc: &mut Value) {
    doc["security"] = json!([{ "token": [] }, { "session": [] }]);
    doc["components"]["securitySchemes"] = json!({
        "token": { "type": "http", "scheme": "bearer" },
        "session": {
            "type": "apiKey", "in": "cookie", "name": cookies::SESSION,
            "description": "The signed-in session; served over https the cookie is named \
                __Host-tenantry_session.",
        },
    });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let takes_input = operation.get("requestBody").is_some()
                || operation["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
            let responses = &mut operation["responses"];
            if let Some(answers) = responses.as_object_mut() {
                for answer in answers.values_mut() {
                    if answer.get("description").is_none() {
                        answer["description"] = json!("Success");
                    }
                }
            }
            responses["401"] = error_response("No valid token or session");
            responses["403"] = error_response("The caller's role does not grant the permission");
            responses["429"] = retry_after(
                "Too many requests from this token or member, or from this organization",
                "Seconds until a request is allowed again",
            );
            responses["503"] = retry_after(
                "The organization's database cannot be reached, or the server is busy: try again",
                "Seconds to wait, when the server is busy",
            );
            if path.contains("{id}") {
                responses["404"] = error_response("No such item in this organization");
            }
            if takes_input {
                responses["422"] = error_response("Field errors");
            }
        }
    }
}
