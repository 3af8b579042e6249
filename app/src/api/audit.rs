//! The organization's audit log.

use crate::model::{audit::AuditPage, AppError};
use leptos::prelude::*;

/// A page of the audit log, newest first, filtered by actor (part of the
/// email), exact action and days (`YYYY-MM-DD`, UTC, both included).
#[server(endpoint = "audit_log")]
pub async fn get_audit_log(
    actor: String,
    action: String,
    from: String,
    to: String,
) -> Result<AuditPage, AppError> {
    use crate::model::{audit::AuditFilter, Permission};
    use crate::server::{org::audit, web::context};
    let access = context::require(Permission::ViewAuditLog).await?;
    let filter = AuditFilter {
        actor,
        action,
        from,
        to,
    };
    audit::page(&access.ctx.db, &filter, &access.local()).await
}
