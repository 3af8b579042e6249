//! Inviting from a list (pasted, or a CSV file): each line invited as if
//! by the invitation form, so that each is checked, limited, mailed and
//! audited the same; the lines refused come back with their reasons.

use super::{admin::invite, Inviter, UNCONFIRMED};
use crate::model::{
    invitations::{parse_import, BULK_AT_MOST},
    repositories::LineError,
    AppError,
};
use crate::server::{lines, mail::Mailer, rate_limit::Limits};
use sea_orm::DatabaseConnection;
use tenancy::context::TenantCtx;

/// Invites every valid line of `text`, at most [`BULK_AT_MOST`]; returns
/// the addresses invited, or the form error that keeps the lines refused
/// (the others are invited).
pub async fn import(
    control: &DatabaseConnection,
    mail: (&Mailer, &Limits),
    ctx: &TenantCtx,
    inviter: &Inviter,
    text: &str,
) -> Result<Vec<String>, AppError> {
    if !inviter.email_verified {
        return Err(AppError::field_echo("list", text, UNCONFIRMED));
    }
    let (lines, mut refused) = parse_import(text);
    if lines.len() > BULK_AT_MOST {
        return Err(AppError::field_echo(
            "list",
            text,
            format!("Send at most {BULK_AT_MOST} invitations at once, the rest after."),
        ));
    }
    if lines.is_empty() && refused.is_empty() {
        return Err(AppError::field("list", "Paste one address a line."));
    }
    let mut invited = Vec::with_capacity(lines.len());
    for line in lines {
        match invite(control, mail, ctx, inviter, &line.email, line.role).await {
            Ok(invitation) => invited.push(invitation.email),
            Err(e @ AppError::Validation(_)) => refused.push(LineError {
                line: line.line,
                text: line.text,
                message: ["email", "role", "form"]
                    .into_iter()
                    .find_map(|field| e.field_error(field))
                    .unwrap_or_else(|| e.to_string()),
            }),
            Err(other) => return Err(other),
        }
    }
    refused.sort_by_key(|e| e.line);
    lines::answer(invited, refused, |invited| match invited {
        0 => "Nobody was invited: fix the lines below.".to_owned(),
        n => format!("Invited {n}. Fix the lines below and send them again."),
    })
}
