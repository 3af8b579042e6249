//! No request waits forever: one with no answer after [`REQUEST_DEADLINE`]
//! gets a 503 that names its request id, and the log says which request it
//! was, so that a wait that never ends anywhere beneath shows as a line in
//! the log instead of a connection held open. Every wait Tenantry knows of
//! ends well before (a tenant's connection: 3 s; its turn: 3 s; the CPU
//! pool: a few seconds); dropping the work cancels it, and a transaction
//! under way is rolled back.

use crate::model::AppError;
use crate::server::{
    error::request_id_of,
    web::host_router::{escape_html, plain_page},
};
use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::time::Duration;

/// How long a request may take to produce its answer's head.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(15);

pub async fn deadline(req: Request, next: Next) -> Response {
    let request_id = request_id_of(req.headers());
    let api = req.uri().path().starts_with("/api/");
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let Ok(response) = tokio::time::timeout(REQUEST_DEADLINE, next.run(req)).await else {
        tracing::error!(%request_id, %method, %path, "no answer within the request deadline");
        let mut response = if api {
            let error = AppError::Unavailable { request_id };
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(error)).into_response()
        } else {
            plain_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Temporarily unavailable",
                &format!(
                    "<p>This took too long to answer. Please try again in a minute.</p>\
                     <p class=\"muted\">Request id: {}</p>",
                    escape_html(&request_id)
                ),
            )
        };
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        return response;
    };
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, middleware, routing::get, Router};
    use tower::ServiceExt;

    async fn forever() -> &'static str {
        std::future::pending::<()>().await;
        "never"
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_that_never_answers_gets_a_503_naming_it_at_the_deadline() {
        let app = Router::new()
            .route("/stuck", get(forever))
            .route("/api/stuck", get(forever))
            .layer(middleware::from_fn(deadline));
        for (path, expected) in [("/stuck", "Request id: req-7"), ("/api/stuck", "\"req-7\"")] {
            let request = Request::get(path)
                .header("x-request-id", "req-7")
                .body(Body::empty())
                .unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
            assert_eq!(response.headers()[header::RETRY_AFTER], "30");
            let body = axum::body::to_bytes(response.into_body(), 1 << 16)
                .await
                .unwrap();
            let body = String::from_utf8_lossy(&body);
            assert!(body.contains(expected), "{path}: {body}");
        }
    }
}
