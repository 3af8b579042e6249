//! The HTTP stack: [`router`] lists every route the site answers (its
//! table of contents) and the layers around them, plus the health checks.

use crate::{MAX_BODY_BYTES, UPLOAD_BODY_BYTES};
use app::server::{
    cookies,
    identity::sign_in,
    rest,
    web::{
        audit_export::export_audit_csv,
        brand::{brand_css, logo_png},
        deadline::deadline,
        dev_mailbox::dev_mailbox,
        email_links::{ask_to_verify_email, verify_email},
        form_errors::guard_form_errors,
        former_subdomain::redirect_former_subdomain,
        handoff::{accept_handoff, confirm_handoff},
        headers::security_headers,
        host_router::route_by_host,
        origin::reject_cross_origin,
        panic::catch_panic,
        status::server_fn_error_status,
        tls_allowed::tls_allowed,
        unsubscribe::{ask_to_stop_invitations, ask_to_unsubscribe, stop_invitations, unsubscribe},
    },
    AppState,
};
use app::{api::UploadLogo, shell, App};
use axum::{
    body::Body,
    extract::State,
    http::{Request, StatusCode},
    middleware::{self, Next},
    response::Response,
    routing::get,
    Router,
};

use leptos::server_fn::ServerFn;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use tower::{Layer, ServiceExt};
use tower_http::{
    body::Limited,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

/// The HTTP stack. Health checks and the TLS allow-list sit outside the
/// host router so that load balancers and proxies can ask any address;
/// everything else goes through it.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let sessions = SessionManagerLayer::new(state.session_store())
        .with_name(cookies::name(cookies::SESSION, state.settings.https))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.https)
        .with_expiry(Expiry::OnInactivity(sign_in::IDLE));

    let site = Router::new()
        // A signed-in user handed over to a tenant host with a one-time token
        // (the form posts when the link came from elsewhere).
        .route("/auth/handoff", get(accept_handoff).post(confirm_handoff))
        // An organization's audit log as CSV.
        .route("/audit.csv", get(export_audit_csv))
        // An organization's primary colour, as a stylesheet.
        .route("/brand.css", get(brand_css))
        // Its logo.
        .route("/logo.png", get(logo_png))
        // The link in every notification: one kind off, without signing in.
        .route("/unsubscribe", get(ask_to_unsubscribe).post(unsubscribe))
        // The link in every invitation: no more from this organization.
        .route(
            "/unsubscribe/invitations",
            get(ask_to_stop_invitations).post(stop_invitations),
        )
        // Development only: the mail kept in the outbox.
        .route("/dev/mailbox", get(dev_mailbox))
        // The link in the verification email: a page that asks, and its form.
        .route("/verify-email", get(ask_to_verify_email).post(verify_email))
        // The REST API on tenant hosts.
        .nest("/api/v1", rest::routes())
        // Every page and server function of the app.
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(server_fn_error_status))
        // A page shows a form error only to the browser it was sent back to.
        .layer(middleware::from_fn(guard_form_errors))
        // A page of a subdomain the organization left: on to its new one.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            redirect_former_subdomain,
        ))
        .layer(sessions)
        .layer(middleware::from_fn(reject_cross_origin))
        .layer(middleware::from_fn_with_state(state.clone(), route_by_host));

    site.route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        // Whether a host is ours, for a proxy that gets certificates on
        // demand (custom domains).
        .route("/tls/allowed", get(tls_allowed))
        .layer(middleware::from_fn(deadline))
        .layer(middleware::from_fn(catch_panic))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn(limit_body))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let request_id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    // The path only: query strings can carry one-time tokens.
                    tracing::info_span!(
                        "request",
                        %request_id,
                        method = %req.method(),
                        path = %req.uri().path(),
                        tenant = tracing::field::Empty,
                    )
                })
                // One line a request at info: its status and duration, in the
                // span that names its id, method, path and tenant.
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Millis),
                ),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Refuses, with 413, a request body past its path's limit: an upload's
/// [`UPLOAD_BODY_BYTES`], any other's [`MAX_BODY_BYTES`].
async fn limit_body(req: Request<Body>, next: Next) -> Response {
    let limit = if req.uri().path() == <UploadLogo as ServerFn>::PATH {
        UPLOAD_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    };
    // tower-http's limit (413 from the length header, or once the body read
    // passes it), around the rest of the stack, which takes a plain body.
    let rest = next.map_request(|req: Request<Limited<Body>>| req.map(Body::new));
    match RequestBodyLimitLayer::new(limit)
        .layer(rest)
        .oneshot(req)
        .await
    {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

/// The app's routes, made once per process. Leptos makes them by rendering
/// the app with resource loading switched off through a flag of the whole
/// process (`leptos_server::SuppressResourceLoad`): made again while any
/// server of the process renders a page, they would leave the resources
/// that page starts meanwhile waiting forever (the tests' servers start
/// beside each other: `tests/api/route_list.rs`).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the control-plane database answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.control.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "control database not reachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "control database unreachable",
            )
        }
    }
}
