//! What a caller holds while it uses a tenant database: a lease on a pool, or
//! a one-off connection with its permit.

use super::*;

/// Marks a pool as in use while a request holds it: the pool's token is
/// shared while any clone of the lease lives, and its release wakes whoever
/// waits to evict the pool.
#[derive(Clone)]
pub struct Lease {
    _held: Arc<LeaseInner>,
}

impl Lease {
    pub(super) fn new(token: Arc<()>, released: Arc<Notify>) -> Self {
        Lease {
            _held: Arc::new(LeaseInner {
                token: Some(token),
                released,
            }),
        }
    }
}

pub(super) struct LeaseInner {
    pub(super) token: Option<Arc<()>>,
    pub(super) released: Arc<Notify>,
}

impl Drop for LeaseInner {
    fn drop(&mut self) {
        // Let go of the pool first, then wake whoever waits to evict it.
        drop(self.token.take());
        self.released.notify_waiters();
    }
}

/// A tenant's pool, held for the length of a request.
#[derive(Clone)]
pub struct TenantConnection {
    pub db: DatabaseConnection,
    pub lease: Lease,
}

/// A connection outside the pools (migrating, provisioning), holding one
/// permit of its server's budget until [`OneOff::close`].
pub struct OneOff {
    pub db: DatabaseConnection,
    pub(super) _reservation: Reservation,
}

impl OneOff {
    pub async fn close(self) -> Result<(), DbErr> {
        self.db.close_by_ref().await
    }
}
