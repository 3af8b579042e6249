//! The REST API on a tenant's host, under `/api/v1`: the organization, its
//! teams, repositories, labels and mapping rules. May import `org`,
//! `identity`, `web` and the model; nothing imports it but the server's router.
//!
//! A caller is an API token or the browser session ([`caller`]). Every
//! handler checks its permission through [`Caller::require`], which reads the
//! one grant table (`Role::grants`), and reaches data only through the
//! request's tenant context: an id of another organization names nothing
//! here, so it is 404, never 403. Errors have one shape ([`error`]). Each
//! resource file registers its routes together with their OpenAPI
//! description ([`openapi`]).

pub mod caller;
pub mod error;
pub mod extract;
mod labels;
pub mod limits;
pub mod openapi;
mod organization;
mod repositories;
mod rules;
mod teams;

pub use caller::Caller;
pub use error::{ApiError, ApiResult};
pub use extract::{DEFAULT_PER_PAGE, MAX_PER_PAGE};

use crate::model::AppError;
use crate::server::AppState;
use axum::{body::Bytes, http::header, response::IntoResponse, routing::get, Router};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

/// The routes and their document, before the document is served.
fn documented() -> (Router<AppState>, serde_json::Value) {
    let (router, api) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(organization::routes())
        .merge(teams::routes())
        .merge(repositories::routes())
        .merge(labels::routes())
        .merge(rules::routes())
        .split_for_parts();
    (router, openapi::finish(api))
}

/// The OpenAPI document, as served.
pub fn document() -> serde_json::Value {
    documented().1
}

/// The routes, mounted at `/api/v1` on tenant hosts.
pub fn routes() -> Router<AppState> {
    let (router, doc) = documented();
    let doc = Bytes::from(doc.to_string());
    router
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], doc).into_response() }
            }),
        )
        .fallback(|| async { ApiError::plain(AppError::NotFound) })
}

/// A team's name.
#[derive(Deserialize, ToSchema)]
struct TeamBody {
    #[schema(schema_with = limits::team_name)]
    name: String,
}

/// A label's name.
#[derive(Deserialize, ToSchema)]
struct LabelBody {
    #[schema(schema_with = limits::label)]
    name: String,
}

/// The organization's name.
#[derive(Deserialize, ToSchema)]
struct OrganizationBody {
    #[schema(schema_with = limits::organization_name)]
    name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_states_the_page_limit_the_code_applies() {
        let doc = document();
        let per_page = doc["paths"]["/teams"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "per_page")
            .unwrap()
            .clone();
        assert_eq!(per_page["schema"]["maximum"], json_u64(MAX_PER_PAGE));
        let page = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(name, _)| name.starts_with("Page"))
            .map(|(_, schema)| schema.clone())
            .unwrap();
        assert_eq!(
            page["properties"]["per_page"]["maximum"],
            json_u64(MAX_PER_PAGE)
        );
    }

    #[test]
    fn a_rule_documents_its_team_as_required_though_the_code_takes_it_as_optional() {
        // Optional in the code so that a missing team is a field error next
        // to `team_id` ("Choose the team…"), with the rule's other errors,
        // rather than a serde error on the body; required in the document,
        // since no rule is made without one.
        let doc = document();
        let rule = &doc["components"]["schemas"]["RuleBody"];
        let required = rule["required"].as_array().cloned().unwrap_or_default();
        assert!(required.iter().any(|f| f == "team_id"), "{rule}");
        assert_eq!(rule["properties"]["team_id"]["type"], "integer", "{rule}");
    }

    fn json_u64(n: u64) -> serde_json::Value {
        serde_json::Value::from(n)
    }
}
