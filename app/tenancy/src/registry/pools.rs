//! The open pools and the demand on each server: the policy that decides how
//! many connections a new pool gets, as pure functions of what is open and
//! when it was used.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum PoolKey {
    Tenant(i64),
    Admin(i64),
}

/// The open pools, and the tenants whose pools were closed to make room
/// (with when they were last used): both count as demand on their server.
#[derive(Default)]
pub(super) struct Pools {
    pub(super) open: HashMap<PoolKey, PoolEntry>,
    pub(super) evicted: HashMap<PoolKey, (i64, Instant)>,
}

impl Pools {
    /// How many pools share `server_id` if `key` has one: `key` itself, the
    /// other pools in use or used within [`DEMAND_WINDOW`], and the tenants
    /// evicted within it.
    pub(super) fn demand(&self, server_id: i64, key: PoolKey) -> u32 {
        let open = self
            .open
            .iter()
            .filter(|(k, e)| **k != key && e.server_id == server_id)
            .map(|(_, e)| Use {
                in_use: Arc::strong_count(&e.token) > 1,
                last_used: e.last_used,
            });
        let evicted = self
            .evicted
            .iter()
            .filter(|(k, (server, _))| **k != key && *server == server_id)
            .map(|(_, (_, last_used))| *last_used);
        demand_at(open, evicted, Instant::now())
    }
}

/// What the demand policy needs to know of another open pool.
pub(super) struct Use {
    /// A request holds a lease on it now.
    pub(super) in_use: bool,
    pub(super) last_used: Instant,
}

/// How many pools share a server when one more asks for room at `now`:
/// the newcomer, every other open pool that is in use or was used within
/// [`DEMAND_WINDOW`], and every tenant evicted within it.
pub(super) fn demand_at(
    open: impl IntoIterator<Item = Use>,
    evicted: impl IntoIterator<Item = Instant>,
    now: Instant,
) -> u32 {
    let recent = |at: Instant| now.saturating_duration_since(at) < DEMAND_WINDOW;
    let open = open
        .into_iter()
        .filter(|u| u.in_use || recent(u.last_used))
        .count();
    let evicted = evicted.into_iter().filter(|at| recent(*at)).count();
    u32::try_from(open + evicted + 1).unwrap_or(u32::MAX)
}

pub(super) struct PoolEntry {
    pub(super) db: DatabaseConnection,
    pub(super) server_id: i64,
    pub(super) location: String,
    /// Cloned into every lease: a count above one means a request uses the pool.
    pub(super) token: Arc<()>,
    pub(super) last_used: Instant,
    /// A request found every connection of the pool in use since the last
    /// sweep: the pool may be too small.
    pub(super) crowded: bool,
    pub(super) reservation: Reservation,
}

/// A pool's share of `budget` among `demand` pools: at least one
/// connection, at most `want`.
pub(super) fn share_of(budget: u32, demand: u32, want: u32) -> u32 {
    (budget / demand.max(1)).clamp(1, want.max(1))
}

#[cfg(test)]
mod tests {
    use super::{demand_at, share_of, Use, DEMAND_WINDOW};
    use std::time::{Duration, Instant};

    fn idle_for(now: Instant, ago: Duration) -> Use {
        Use {
            in_use: false,
            last_used: now - ago,
        }
    }

    #[test]
    fn a_newcomer_alone_on_a_server_is_the_only_demand() {
        let now = Instant::now();
        assert_eq!(demand_at([], [], now), 1);
    }

    #[test]
    fn pools_used_within_the_window_count_and_older_idle_ones_do_not() {
        let now = Instant::now();
        let open = [
            idle_for(now, Duration::ZERO),
            idle_for(now, DEMAND_WINDOW - Duration::from_millis(1)),
            idle_for(now, DEMAND_WINDOW),
            idle_for(now, DEMAND_WINDOW * 10),
        ];
        assert_eq!(demand_at(open, [], now), 3);
    }

    #[test]
    fn a_pool_in_use_counts_however_long_ago_it_was_opened() {
        let now = Instant::now();
        let busy = Use {
            in_use: true,
            last_used: now - DEMAND_WINDOW * 10,
        };
        assert_eq!(demand_at([busy], [], now), 2);
    }

    #[test]
    fn tenants_evicted_within_the_window_still_count_as_demand() {
        let now = Instant::now();
        let evicted = [now - Duration::from_secs(1), now - DEMAND_WINDOW * 2];
        assert_eq!(demand_at([], evicted, now), 2);
    }

    #[test]
    fn a_share_is_the_budget_divided_by_demand_between_one_and_what_was_asked() {
        assert_eq!(share_of(64, 1, 8), 8);
        assert_eq!(share_of(64, 16, 8), 4);
        assert_eq!(share_of(3, 5, 2), 1);
        assert_eq!(share_of(10, 0, 8), 8);
        assert_eq!(share_of(10, 2, 0), 1);
    }
}
