use crate::helpers::{spawn_app, Backend};

#[tokio::test]
async fn healthz_and_readyz_answer_on_any_host() {
    let app = spawn_app(Backend::Sqlite).await;

    for host in [
        "127.0.0.1".to_owned(),
        app.apex(),
        "unknown.example".to_owned(),
    ] {
        let health = app.get(&host, "/healthz", None).await;
        let ready = app.get(&host, "/readyz", None).await;
        assert_eq!((health.status, health.body.as_str()), (200, "ok"), "{host}");
        assert_eq!(
            (ready.status, ready.body.as_str()),
            (200, "ready"),
            "{host}"
        );
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app(Backend::Sqlite).await;

    let response = app.get(&app.apex(), "/", None).await;

    let id = response
        .header("x-request-id")
        .expect("x-request-id header");
    assert_eq!(id.len(), 36, "{id}");
}
