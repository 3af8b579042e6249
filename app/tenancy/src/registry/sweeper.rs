//! The background work: closing idle pools, regrowing crowded ones,
//! retiring pools, and the figures the sweeper logs.

use super::*;
use std::sync::atomic::Ordering;

impl TenantRegistry {
    /// Closes every pool that has been unused for the idle timeout, and
    /// forgets evicted tenants that no longer count as demand.
    pub async fn close_idle(&self) -> usize {
        let idle: Vec<PoolEntry> = {
            let mut pools = lock(&self.pools);
            pools
                .evicted
                .retain(|_, (_, last_used)| last_used.elapsed() < DEMAND_WINDOW);
            let keys: Vec<PoolKey> = pools
                .open
                .iter()
                .filter(|(_, e)| {
                    Arc::strong_count(&e.token) == 1
                        && e.last_used.elapsed() >= self.settings.idle_timeout
                })
                .map(|(k, _)| *k)
                .collect();
            keys.iter().filter_map(|k| pools.open.remove(k)).collect()
        };
        let closed = idle.len();
        for entry in idle {
            self.close_entry(entry).await;
        }
        closed
    }

    /// Reopens, at today's share, the tenant pools that were opened smaller
    /// than it (while more tenants were busy) and that a request found with
    /// every connection in use since the last sweep, when the server has
    /// room. Requests holding the old pool finish on it; it closes after
    /// them. Returns how many.
    pub async fn regrow(&self) -> usize {
        let slots: HashMap<i64, Arc<ServerSlot>> = lock_read(&self.servers).clone();
        let outgrown: Vec<PoolEntry> = {
            let mut pools = lock(&self.pools);
            let mut keys = Vec::new();
            for (key, entry) in &pools.open {
                let Some(slot) = slots.get(&entry.server_id) else {
                    continue;
                };
                if !entry.crowded || !matches!(key, PoolKey::Tenant(_)) {
                    continue;
                }
                let demand = pools.demand(entry.server_id, *key);
                let share = share_of(slot.server.budget, demand, self.settings.pool_max);
                // The old pool's permits come back only once it is closed.
                let room = slot.permits.available_permits() as u32;
                if share > entry.reservation.size() && room >= share {
                    keys.push(*key);
                }
            }
            for entry in pools.open.values_mut() {
                entry.crowded = false;
            }
            let outgrown: Vec<(PoolKey, PoolEntry)> = keys
                .iter()
                .filter_map(|k| pools.open.remove(k).map(|e| (*k, e)))
                .collect();
            // Still busy: demand until it reopens.
            for (key, entry) in &outgrown {
                pools
                    .evicted
                    .insert(*key, (entry.server_id, entry.last_used));
            }
            outgrown.into_iter().map(|(_, e)| e).collect()
        };
        let regrown = outgrown.len();
        for entry in outgrown {
            self.retire(entry);
        }
        regrown
    }

    /// Closes this process's pool to a tenant's database (before it is
    /// dropped or moved). Requests still holding it finish first.
    pub async fn close_tenant(&self, tenant_id: i64) {
        let entry = {
            let mut pools = lock(&self.pools);
            pools.evicted.remove(&PoolKey::Tenant(tenant_id));
            pools.open.remove(&PoolKey::Tenant(tenant_id))
        };
        if let Some(entry) = entry {
            self.close_entry(entry).await;
        }
    }

    /// Closes every pool (at shutdown, or before handing the budget to
    /// another process).
    pub async fn close_all(&self) {
        let all: Vec<PoolEntry> = {
            let mut pools = lock(&self.pools);
            pools.evicted.clear();
            pools.open.drain().map(|(_, e)| e).collect()
        };
        for entry in all {
            self.close_entry(entry).await;
        }
    }

    pub(super) async fn close_entry(&self, entry: PoolEntry) {
        // sqlx waits for checked-out connections to come back; the permits
        // are released only once every connection is closed.
        if let Err(e) = entry.db.close_by_ref().await {
            tracing::warn!(error = %e, "closing a tenant pool");
        }
        self.pools_closed.fetch_add(1, Ordering::Relaxed);
        drop(entry.reservation);
    }

    /// Closes a pool already taken out of the map once no request holds it:
    /// closing a sqlx pool fails every query that has not yet got its
    /// connection, so the requests holding it must finish first. Its permits
    /// stay reserved until then.
    pub(super) fn retire(&self, entry: PoolEntry) {
        self.pools_closed.fetch_add(1, Ordering::Relaxed);
        let released = self.released.clone();
        tokio::spawn(async move {
            loop {
                // Registered before looking, so a release in between is not missed.
                let notified = released.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if Arc::strong_count(&entry.token) == 1 {
                    break;
                }
                notified.await;
            }
            let _ = entry.db.close_by_ref().await;
            drop(entry.reservation);
        });
    }

    pub fn stats(&self) -> RegistryStats {
        let pools = lock(&self.pools);
        let mut open_by_server: HashMap<i64, u32> = HashMap::new();
        for entry in pools.open.values() {
            *open_by_server.entry(entry.server_id).or_default() += pool_size(&entry.db);
        }
        let mut servers: Vec<ServerStats> = lock_read(&self.servers)
            .values()
            .map(|slot| ServerStats {
                id: slot.server.id,
                name: slot.server.name.clone(),
                budget: slot.server.budget,
                reserved: slot.reserved(),
                peak_reserved: slot.peak.load(Ordering::Relaxed),
                open_connections: open_by_server.get(&slot.server.id).copied().unwrap_or(0),
            })
            .collect();
        servers.sort_by_key(|s| s.id);
        RegistryStats {
            open_pools: pools.open.len(),
            waits: self.waits.load(Ordering::Relaxed),
            timeouts: self.timeouts.load(Ordering::Relaxed),
            pools_opened: self.pools_opened.load(Ordering::Relaxed),
            pools_closed: self.pools_closed.load(Ordering::Relaxed),
            servers,
        }
    }

    /// Runs forever, every second at most: closes idle pools, regrows
    /// crowded small ones, and logs the registry's figures when they change.
    pub async fn sweep_forever(self: Arc<Self>) {
        let period = (self.settings.idle_timeout / 4)
            .clamp(Duration::from_millis(200), Duration::from_secs(1));
        let mut last_logged = RegistryStats::default();
        let mut last_log_at = Instant::now();
        loop {
            tokio::time::sleep(period).await;
            self.close_idle().await;
            self.regrow().await;
            let stats = self.stats();
            if stats != last_logged && last_log_at.elapsed() >= Duration::from_secs(60) {
                log_stats(&stats);
                last_logged = stats;
                last_log_at = Instant::now();
            }
        }
    }
}

pub fn log_stats(stats: &RegistryStats) {
    for server in &stats.servers {
        tracing::info!(
            server = %server.name,
            budget = server.budget,
            reserved = server.reserved,
            peak_reserved = server.peak_reserved,
            open_connections = server.open_connections,
            "tenant connections"
        );
    }
    tracing::info!(
        open_pools = stats.open_pools,
        waits = stats.waits,
        timeouts = stats.timeouts,
        pools_opened = stats.pools_opened,
        pools_closed = stats.pools_closed,
        "tenant pools"
    );
}
