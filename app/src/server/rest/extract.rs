//! What a handler takes from a request and the page it answers with:
//! `?page=&per_page=`, a JSON body, query parameters and a path id, each
//! rejecting bad input in the API's one error shape.

use super::error::{ApiError, ApiResult};
use super::limits;
use crate::model::AppError;
use axum::{
    extract::{FromRequest, FromRequestParts, Path, Query, Request},
    http::request::Parts,
    Json,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Most items one page of a list may hold (also the document's `maximum`).
pub const MAX_PER_PAGE: u64 = 200;
/// Items per page when the caller does not say.
pub const DEFAULT_PER_PAGE: u64 = 50;

/// `?page=&per_page=`
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1-based; past the last page there are no items.
    #[param(schema_with = limits::page)]
    pub(super) page: Option<u64>,
    /// 50 unless given; at most 200.
    #[param(schema_with = limits::per_page)]
    pub(super) per_page: Option<u64>,
}

impl Checked for Paging {
    fn check(&self) -> Result<(), AppError> {
        limits::check_paging(self.page, self.per_page)
    }
}

impl Paging {
    /// Within bounds once [`Checked::check`]ed, as [`Params`] does.
    pub(super) fn per_page(&self) -> u64 {
        self.per_page
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE)
    }

    pub(super) fn page(&self) -> u64 {
        self.page.unwrap_or(1).clamp(1, limits::MAX_PAGE)
    }

    /// This page's 0-based index, as SeaORM's paginator counts.
    pub(super) fn index(&self) -> u64 {
        self.page() - 1
    }

    /// This page, holding `items`, of `total` items.
    pub(super) fn answer<T>(&self, items: Vec<T>, total: u64) -> Json<Page<T>> {
        Json(Page {
            items,
            page: self.page(),
            per_page: self.per_page(),
            total,
        })
    }
}

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[schema(minimum = 1)]
    pub page: u64,
    #[schema(minimum = 1, maximum = 200)]
    pub per_page: u64,
    /// Items in the whole list.
    pub total: u64,
}

/// A JSON body: malformed JSON or missing fields are a 422 on `body`.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Body<T>> {
        let refused = |detail: String| {
            ApiError::plain(AppError::field(
                "body",
                format!("Send a JSON object: {detail}"),
            ))
        };
        let Json(value) = Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(|rejection| refused(rejection.body_text()))?;
        // An object only: serde would also read a struct from an array.
        if !value.is_object() {
            return Err(refused("the body is not an object.".to_owned()));
        }
        serde_json::from_value(value)
            .map(Body)
            .map_err(|e| refused(e.to_string()))
    }
}

/// Query parameters with limits beyond their types' (the ones the
/// document states through [`limits`]).
pub trait Checked {
    /// The first parameter out of its limits, as a field error.
    fn check(&self) -> Result<(), AppError>;
}

/// Query parameters: ones that do not parse are a 422 on `query`, ones out
/// of their limits a 422 on their own name.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned + Checked, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Params<T>> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => match value.check() {
                Ok(()) => Ok(Params(value)),
                Err(error) => Err(ApiError::plain(error)),
            },
            Err(rejection) => Err(ApiError::plain(AppError::field(
                "query",
                format!("Check the query parameters: {}", rejection.body_text()),
            ))),
        }
    }
}

/// An item's id in the path: one that is not a number names nothing (404).
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Id> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(_) => Err(ApiError::plain(AppError::NotFound)),
        }
    }
}
