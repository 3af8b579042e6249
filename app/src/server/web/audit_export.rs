//! `GET /audit.csv` on an organization's host: the audit log as a CSV file,
//! with the same filter (query string) as the audit page and the same
//! permission check as its server function.

use crate::model::{audit::AuditFilter, AppError, Permission};
use crate::server::{
    error::request_id_of,
    org::audit,
    web::{
        context::{authorize, client_ip_of},
        host_router::{escape_html, plain_page},
        status::status_of,
    },
    AppState,
};
use axum::{
    extract::{Query, State},
    http::{header, request::Parts, HeaderValue},
    response::{IntoResponse, Response},
};
use tenancy::context::TenantCtx;
use tower_sessions::Session;

pub async fn export_audit_csv(
    State(state): State<AppState>,
    session: Session,
    parts: Parts,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let request_id = request_id_of(&parts.headers);
    let exported = async {
        let ctx = parts
            .extensions
            .get::<TenantCtx>()
            .cloned()
            .ok_or(AppError::NotFound)?;
        let ip = client_ip_of(&parts, state.settings.behind_proxy);
        let access = authorize(state, ctx, &session, ip, Permission::ViewAuditLog).await?;
        let local = access.local();
        let (entries, _) =
            audit::find(&access.ctx.db, &filter, audit::EXPORT_LIMIT, &local).await?;
        Ok::<_, AppError>((access.ctx.tenant.slug, audit::to_csv(&entries)))
    }
    .await;
    match exported {
        Ok((slug, csv)) => {
            let disposition = format!("attachment; filename=\"{slug}-audit-log.csv\"");
            let mut response = csv.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => refused(error, &request_id),
    }
}

fn refused(error: AppError, request_id: &str) -> Response {
    // Errors made outside a Leptos context carry no request id yet.
    let error = match error {
        AppError::Internal { .. } => AppError::Internal {
            request_id: request_id.to_owned(),
        },
        AppError::Unavailable { .. } => AppError::Unavailable {
            request_id: request_id.to_owned(),
        },
        other => other,
    };
    let body = match &error {
        AppError::Unauthorized => {
            "<p><a href=\"/login\">Log in</a> to download the audit log.</p>".to_owned()
        }
        AppError::Validation(fields) => {
            let messages: Vec<String> = ["from", "to"]
                .into_iter()
                .filter_map(|f| {
                    fields
                        .get(f)
                        .map(|m| format!("<li>{f}: {}</li>", escape_html(m)))
                })
                .collect();
            format!(
                "<p>{}</p><ul>{}</ul><p><a href=\"/audit\">Back to the audit log</a></p>",
                escape_html(&error.to_string()),
                messages.join("")
            )
        }
        other => format!("<p>{}</p>", escape_html(&other.to_string())),
    };
    plain_page(status_of(&error), "Cannot export the audit log", &body)
}
