//! Sending email: over SMTP when `TENANTRY_SMTP_URL` is set, otherwise into
//! the control plane's outbox (shown at `/dev/mailbox` in development).
//!
//! Mail carries one-time links: the message text is never logged, only its
//! recipient and subject. Mail an organization sends has an HTML part in
//! its colours too ([`branded`]); the outbox keeps the plain text.

pub mod branded;

use crate::server::{entities::control::outbox, time::now_unix};
use lettre::{
    message::{
        header::{ContentType, HeaderName, HeaderValue},
        Mailbox, MultiPart,
    },
    AsyncSmtpTransport, AsyncTransport, Tokio1Executor,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::time::Duration;

/// How long one SMTP delivery may take before the request gives up.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// One email: plain text, and the same as HTML when `html` is set.
#[derive(Clone, Debug, Default)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub html: Option<String>,
    /// A notification's one-click unsubscribe link (RFC 8058: mail
    /// programs show an "Unsubscribe" button that posts to it).
    pub unsubscribe: Option<String>,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// No SMTP server: mail is kept in the `outbox` table.
    Outbox { control: DatabaseConnection },
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the address {0:?} cannot receive mail")]
    BadAddress(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("outbox: {0}")]
    Outbox(#[from] sea_orm::DbErr),
}

impl Mailer {
    /// SMTP to `smtp_url` (`smtp://host:port`, `smtp://…?tls=required`,
    /// `smtps://user:password@host`) from `from`, or the outbox when there
    /// is no URL. The error names the setting to fix.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        control: DatabaseConnection,
    ) -> Result<Self, String> {
        let Some(url) = smtp_url.filter(|u| !u.trim().is_empty()) else {
            return Ok(Mailer::Outbox { control });
        };
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("TENANTRY_MAIL_FROM={from:?} is not an address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.trim())
            .map_err(|e| format!("TENANTRY_SMTP_URL is not an SMTP URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Mailer::Smtp { transport, from })
    }

    /// Whether mail goes to the outbox rather than to an SMTP server.
    pub fn uses_outbox(&self) -> bool {
        matches!(self, Mailer::Outbox { .. })
    }

    pub async fn send(&self, email: Email) -> Result<(), MailError> {
        match self {
            Mailer::Smtp { transport, from } => {
                let to: Mailbox = email
                    .to
                    .parse()
                    .map_err(|_| MailError::BadAddress(email.to.clone()))?;
                let mut message = lettre::Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&email.subject);
                if let Some(link) = &email.unsubscribe {
                    message = message
                        .raw_header(HeaderValue::new(
                            HeaderName::new_from_ascii_str("List-Unsubscribe"),
                            format!("<{link}>"),
                        ))
                        .raw_header(HeaderValue::new(
                            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                            "List-Unsubscribe=One-Click".to_owned(),
                        ));
                }
                let message = match email.html {
                    Some(html) => {
                        message.multipart(MultiPart::alternative_plain_html(email.body, html))
                    }
                    None => message.header(ContentType::TEXT_PLAIN).body(email.body),
                }
                .map_err(|e| MailError::Smtp(e.to_string()))?;
                transport
                    .send(message)
                    .await
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
            }
            Mailer::Outbox { control } => {
                outbox::Entity::insert(outbox::ActiveModel {
                    to_address: Set(email.to.clone()),
                    subject: Set(email.subject.clone()),
                    body: Set(email.body),
                    created_at: Set(now_unix()),
                    ..Default::default()
                })
                .exec(control)
                .await?;
            }
        }
        tracing::info!(to = %email.to, subject = %email.subject, "email sent");
        Ok(())
    }
}

/// The newest mail in the outbox, newest first.
pub async fn outbox(
    control: &DatabaseConnection,
    limit: u64,
) -> Result<Vec<outbox::Model>, sea_orm::DbErr> {
    outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(control)
        .await
}

/// How long the outbox keeps mail: the links in it are expired by then.
pub const OUTBOX_KEEP_SECS: i64 = 7 * 24 * 60 * 60;

/// Deletes outbox mail older than [`OUTBOX_KEEP_SECS`]; returns how much.
pub async fn purge_outbox(control: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let result = outbox::Entity::delete_many()
        .filter(outbox::Column::CreatedAt.lt(now_unix() - OUTBOX_KEEP_SECS))
        .exec(control)
        .await?;
    Ok(result.rows_affected)
}
