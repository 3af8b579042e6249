//! A server's connection budget: permits reserved before a pool opens, the
//! fair share of a new pool, and making room by closing an unused pool.

use super::*;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub(super) struct ServerSlot {
    pub(super) server: DatabaseServer,
    pub(super) permits: Arc<Semaphore>,
    pub(super) peak: AtomicU32,
}

impl ServerSlot {
    pub(super) fn new(server: DatabaseServer) -> Self {
        ServerSlot {
            permits: Arc::new(Semaphore::new(server.budget as usize)),
            peak: AtomicU32::new(0),
            server,
        }
    }

    pub(super) fn reserved(&self) -> u32 {
        self.server
            .budget
            .saturating_sub(self.permits.available_permits() as u32)
    }
}

/// Permits reserved on a server. Dropping it gives them back and wakes
/// requests waiting for room.
pub(super) struct Reservation {
    pub(super) permit: Option<OwnedSemaphorePermit>,
    pub(super) released: Arc<Notify>,
}

impl Reservation {
    pub(super) fn size(&self) -> u32 {
        self.permit.as_ref().map_or(0, |p| p.num_permits() as u32)
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        drop(self.permit.take());
        self.released.notify_waiters();
    }
}

impl TenantRegistry {
    /// How many connections a new pool for `key` on this server may ask
    /// for: up to `want`, but no more than the budget divided by the
    /// server's demand ([`Pools::demand`]), so that many busy tenants each
    /// get a small pool rather than a few tenants big ones.
    pub(super) fn fair_share(&self, slot: &ServerSlot, key: PoolKey, want: u32) -> u32 {
        let demand = lock(&self.pools).demand(slot.server.id, key);
        share_of(slot.server.budget, demand, want)
    }

    /// Reserves up to `want` permits on the server (at least one), closing
    /// unused pools to make room and waiting for requests to finish if
    /// needed, up to the wait timeout.
    pub(super) async fn reserve(
        &self,
        slot: &Arc<ServerSlot>,
        want: u32,
    ) -> Result<Reservation, RegistryError> {
        let deadline = tokio::time::Instant::now() + self.settings.wait_timeout;
        let mut waited = false;
        loop {
            // Registered before looking, so a release in between is not missed.
            let notified = self.released.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();

            if let Some(reservation) = self.try_reserve(slot, want) {
                return Ok(reservation);
            }
            if self.evict_unused(slot.server.id, want).await {
                continue;
            }
            let available = slot.permits.available_permits() as u32;
            if available > 0 {
                if let Some(reservation) = self.try_reserve(slot, available.min(want)) {
                    return Ok(reservation);
                }
                continue;
            }
            if !waited {
                waited = true;
                self.waits.fetch_add(1, Ordering::Relaxed);
            }
            tokio::select! {
                () = &mut notified => {}
                () = tokio::time::sleep_until(deadline) => {
                    self.timeouts.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(server = %slot.server.name, budget = slot.server.budget,
                        "database server connection budget exhausted");
                    return Err(RegistryError::Busy {
                        server: slot.server.name.clone(),
                        budget: slot.server.budget,
                    });
                }
            }
        }
    }

    pub(super) fn try_reserve(&self, slot: &Arc<ServerSlot>, n: u32) -> Option<Reservation> {
        let permit = slot.permits.clone().try_acquire_many_owned(n).ok()?;
        slot.peak.fetch_max(slot.reserved(), Ordering::Relaxed);
        Some(Reservation {
            permit: Some(permit),
            released: self.released.clone(),
        })
    }

    /// Closes a pool on `server_id` that no request holds, to make room for
    /// one of `share` connections: one not used within [`DEMAND_WINDOW`] if
    /// any, then one larger than `share` (so big pools shrink as demand
    /// grows), the least recently used first. Returns whether one was closed
    /// (its permits are back). Its tenant still counts as demand for
    /// [`DEMAND_WINDOW`].
    pub(super) async fn evict_unused(&self, server_id: i64, share: u32) -> bool {
        let victim = {
            let mut pools = lock(&self.pools);
            let key = pools
                .open
                .iter()
                .filter(|(_, e)| e.server_id == server_id && Arc::strong_count(&e.token) == 1)
                .min_by_key(|(_, e)| {
                    (
                        e.last_used.elapsed() < DEMAND_WINDOW,
                        e.reservation.size() <= share,
                        e.last_used,
                    )
                })
                .map(|(k, _)| *k);
            let victim = key.and_then(|k| pools.open.remove(&k));
            if let (Some(key @ PoolKey::Tenant(_)), Some(entry)) = (key, &victim) {
                pools.evicted.insert(key, (server_id, entry.last_used));
            }
            victim
        };
        match victim {
            Some(entry) => {
                self.close_entry(entry).await;
                true
            }
            None => false,
        }
    }
}
