//! Per-tenant fairness: at most so many requests of one organization are
//! served at once (`TENANTRY_TENANT_CONCURRENCY`). The rest of its requests
//! wait their turn, without holding a worker or a connection, for up to
//! [`TenantSlots::WAIT`], and are then told the server is busy (503 with
//! `Retry-After`). However hard one organization is hammered, it holds no
//! more than its share of the async workers, of the CPU pool and of its
//! database pool at once, so every other organization keeps being served.

use crate::model::AppError;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Organizations with a slot map kept; beyond, idle ones are forgotten.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct TenantSlots {
    per_tenant: usize,
    wait: Duration,
    slots: Mutex<HashMap<i64, Arc<Semaphore>>>,
}

/// A request's turn in its organization: it ends when dropped.
#[derive(Debug)]
#[must_use = "the turn lasts as long as this is held"]
pub struct Turn(#[allow(dead_code)] OwnedSemaphorePermit);

impl TenantSlots {
    /// How long a request waits for its organization's turn.
    pub const WAIT: Duration = Duration::from_secs(3);

    pub fn new(per_tenant: usize) -> Self {
        Self::waiting(per_tenant, Self::WAIT)
    }

    /// Slots whose requests wait up to `wait` for their turn.
    pub fn waiting(per_tenant: usize, wait: Duration) -> Self {
        TenantSlots {
            per_tenant: per_tenant.max(1),
            wait,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a turn among organization `tenant_id`'s requests.
    ///
    /// # Errors
    /// `Busy` when none came within the wait (by default
    /// [`TenantSlots::WAIT`]).
    pub async fn enter(&self, tenant_id: i64) -> Result<Turn, AppError> {
        let slots = self.of(tenant_id);
        match tokio::time::timeout(self.wait, slots.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Turn(permit)),
            _ => {
                tracing::warn!(tenant_id, per_tenant = self.per_tenant, "organization busy");
                Err(AppError::Busy {
                    retry_after_secs: 1,
                })
            }
        }
    }

    fn of(&self, tenant_id: i64) -> Arc<Semaphore> {
        let mut slots = tenancy::sync::lock(&self.slots);
        if slots.len() >= PRUNE_ABOVE && !slots.contains_key(&tenant_id) {
            let all = self.per_tenant;
            slots.retain(|_, s| s.available_permits() < all || Arc::strong_count(s) > 1);
        }
        slots
            .entry(tenant_id)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_tenant)))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_organization_waits_for_its_own_turns_only() {
        let slots = TenantSlots::waiting(2, Duration::from_millis(50));
        let a1 = slots.enter(1).await.unwrap();
        let _a2 = slots.enter(1).await.unwrap();
        // Organization 1 is at its share; organization 2 is not affected.
        let _b = slots.enter(2).await.unwrap();
        assert!(matches!(slots.enter(1).await, Err(AppError::Busy { .. })));
        // A turn handed back is taken by the next request.
        drop(a1);
        let _a3 = slots.enter(1).await.unwrap();
    }
}
