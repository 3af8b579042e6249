//! Invitations: an admin invites an email address with a role; the link
//! (single-use, 7 days, revocable, resendable: a resend replaces it) lets the
//! person create an account or join with the one they have.
//!
//! Invitations live in the control plane, their audit entries in the
//! organization's database: every change goes through `org::audit::audited`.
//!
//! [`admin`] holds what an organization's admins do (invite, revoke,
//! resend), [`bulk`] the same for many at once, [`import`] inviting from a
//! list; [`invitee`] what
//! the person invited does (open, accept).

mod admin;
mod blocks;
mod bulk;
mod import;
mod invitee;

pub use admin::{invite, resend, revoke};
pub use blocks::{address_of_link, block, blocked};
pub use bulk::{resend_many, revoke_many};
pub use import::import;
pub use invitee::{accept, offer, tell_inviter, Joined};

use crate::model::{
    invitations::{Invitation, PendingInvitations, INVITATIONS_PAGE},
    AppError, Role,
};
use crate::server::secret::random_hex;
use crate::server::{
    entities::control::invitations,
    error::internal,
    org::audit::Actor,
    time::{now_unix, Local},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// An invitation link works for seven days.
pub const TTL_SECS: i64 = 7 * 24 * 60 * 60;

const UNCONFIRMED: &str = "Confirm your email address first: use the link we sent you, or send it again from the home page.";

const EXPIRED: &str =
    "This invitation has expired or was withdrawn. Ask the person who invited you for a new one.";

fn new_token() -> String {
    random_hex(32)
}

fn view(row: invitations::Model, now: i64, local: &Local) -> Option<Invitation> {
    Some(Invitation {
        id: row.id,
        role: row.role,
        sent: local.date(row.sent_at),
        expires: local.date(row.expires_at),
        expired: row.expires_at <= now,
        email: row.email,
    })
}

/// Page `page` (from 1) of the invitations of `tenant_id` nobody has
/// accepted or revoked, newest first (expired ones too: they can be sent
/// again), [`INVITATIONS_PAGE`] a page.
pub async fn pending(
    control: &DatabaseConnection,
    tenant_id: i64,
    local: &Local,
    page: u64,
) -> Result<PendingInvitations, AppError> {
    let now = now_unix();
    let page = page.max(1);
    // One row past the page says whether another follows: one statement,
    // no count.
    let mut rows = invitations::Entity::find()
        .filter(invitations::Column::TenantId.eq(tenant_id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .order_by_desc(invitations::Column::Id)
        .offset((page - 1).saturating_mul(INVITATIONS_PAGE))
        .limit(INVITATIONS_PAGE + 1)
        .all(control)
        .await
        .map_err(internal)?;
    let older = rows.len() as u64 > INVITATIONS_PAGE;
    rows.truncate(INVITATIONS_PAGE as usize);
    Ok(PendingInvitations {
        invitations: rows
            .into_iter()
            .filter_map(|row| view(row, now, local))
            .collect(),
        page,
        older,
    })
}

/// Who invites, and where the link points (`http://SLUG.BASE:PORT`).
pub struct Inviter {
    pub actor: Actor,
    pub role: Role,
    pub email_verified: bool,
    pub tenant_url: String,
    /// The organization's plan's cap on members and open invitations.
    pub seats: crate::model::plans::Cap,
}
