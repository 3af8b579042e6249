//! A panic on a request path becomes an opaque 500 that names the request
//! id (the panic's message is logged with it), never a dropped connection.
//! The browser gets the plain failure page; server functions and the REST
//! API, whose clients read JSON, get the error they understand.

use crate::model::AppError;
use crate::server::{error::request_id_of, web::host_router::failure_page};
use axum::{
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures::FutureExt;
use std::{any::Any, panic::AssertUnwindSafe};

pub async fn catch_panic(req: Request, next: Next) -> Response {
    let request_id = request_id_of(req.headers());
    let api = req.uri().path().starts_with("/api/");
    match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            tracing::error!(%request_id, panic = %message_of(&*panic), "a request panicked");
            if api {
                let error = AppError::Internal { request_id };
                (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(error)).into_response()
            } else {
                failure_page(&request_id, "The server failed on this request.")
            }
        }
    }
}

fn message_of(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, middleware, routing::get, Router};
    use tower::ServiceExt;

    async fn buggy() -> &'static str {
        panic!("a bug")
    }

    fn app() -> Router {
        Router::new()
            .route("/boom", get(buggy))
            .route("/api/boom", get(buggy))
            .layer(middleware::from_fn(catch_panic))
    }

    async fn get_with_id(path: &str) -> (StatusCode, String) {
        let request = Request::get(path)
            .header("x-request-id", "req-42")
            .body(Body::empty())
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_panicking_page_answers_an_opaque_500_with_the_request_id() {
        let (status, body) = get_with_id("/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("req-42"), "{body}");
        assert!(
            !body.contains("a bug"),
            "the panic's message stays in the log: {body}"
        );
    }

    #[tokio::test]
    async fn a_panicking_call_answers_the_json_error_with_the_request_id() {
        let (status, body) = get_with_id("/api/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let error: AppError = serde_json::from_str(&body).unwrap();
        assert_eq!(
            error,
            AppError::Internal {
                request_id: "req-42".into()
            }
        );
    }
}
