//! Who is signed in on this host: opening a signed-in session, reading it
//! back under its idle and absolute expiry, and ending it.
//!
//! Sessions are tower-sessions records in the control database (see
//! [`DbSessionStore`](crate::server::identity::session_store::DbSessionStore)) behind host-only
//! cookies: a session opened on `acme.BASE` is sent nowhere else, and one
//! opened on the apex carries no tenant at all.

use crate::server::time::now_unix;
use tower_sessions::{session, Session};

/// Session key: the signed-in user's id.
pub const SESSION_USER_ID: &str = "user_id";
/// Session key: the tenant the session was opened on (absent on the apex).
/// Cookies are host-only already; this makes a session presented on another
/// tenant's host worthless even if a cookie were ever replayed there.
pub const SESSION_TENANT_ID: &str = "tenant_id";
/// Session key: when the user logged in (Unix seconds).
const SIGNED_IN_AT: &str = "signed_in_at";
/// Session key: when the idle expiry was last moved forward (Unix seconds).
const SEEN_AT: &str = "seen_at";

/// A session ends after this long without a request.
pub const IDLE: time::Duration = time::Duration::hours(12);
/// A session ends this long after log-in, however active it is.
pub const ABSOLUTE_SECS: i64 = 7 * 24 * 60 * 60;
/// Requests move the idle expiry forward at most this often: one write per
/// minute of activity instead of one per request. tower-sessions saves (and
/// so extends) only sessions that changed.
pub const TOUCH_EVERY_SECS: i64 = 60;

/// The user a request's session belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: i64,
    /// The tenant the session was opened on; `None` on the apex.
    pub tenant_id: Option<i64>,
}

/// Signs `user_id` in on this host. Whatever the session held before is
/// dropped, and it gets a new id: an id planted in the browser before
/// log-in (session fixation) is worthless after it.
pub async fn start(
    session: &Session,
    user_id: i64,
    tenant_id: Option<i64>,
) -> Result<(), session::Error> {
    session.clear().await;
    session.cycle_id().await?;
    let now = now_unix();
    session.insert(SESSION_USER_ID, user_id).await?;
    if let Some(tenant_id) = tenant_id {
        session.insert(SESSION_TENANT_ID, tenant_id).await?;
    }
    session.insert(SIGNED_IN_AT, now).await?;
    session.insert(SEEN_AT, now).await
}

/// Who is signed in, if anyone. A session past its absolute lifetime is
/// ended here; an active one has its idle expiry moved forward.
pub async fn current(session: &Session) -> Result<Option<SignedIn>, session::Error> {
    let Some(user_id) = session.get::<i64>(SESSION_USER_ID).await? else {
        return Ok(None);
    };
    let tenant_id = session.get::<i64>(SESSION_TENANT_ID).await?;
    let signed_in_at = session.get::<i64>(SIGNED_IN_AT).await?.unwrap_or(0);
    let now = now_unix();
    if now - signed_in_at >= ABSOLUTE_SECS {
        session.flush().await?;
        return Ok(None);
    }
    let seen_at = session.get::<i64>(SEEN_AT).await?.unwrap_or(0);
    if now - seen_at >= TOUCH_EVERY_SECS {
        session.insert(SEEN_AT, now).await?;
    }
    Ok(Some(SignedIn { user_id, tenant_id }))
}

/// Logs out of this host: the session row is deleted and the cookie
/// cleared.
pub async fn end(session: &Session) -> Result<(), session::Error> {
    session.flush().await
}
