//! CPU-heavy work (password hashing, the mapping recompute; exports next)
//! runs here: on tokio's blocking pool, never on the async workers, and no
//! more of it at once than the process has slots for (`TENANTRY_CPU_SLOTS`,
//! by default [`default_slots`]). The cores are the process's, so one pool
//! ([`shared`], sized at start-up by [`configure`]) bounds every kind of
//! CPU work together; code that takes a `&CpuPool` can be given another
//! (tests do). A request
//! that finds every slot taken waits up to [`QUEUE_WAIT`] and is then told
//! the server is busy (`AppError::Busy`, a 503 with `Retry-After`), instead
//! of queueing without bound: a flood of password checks cannot hold
//! hundreds of argon2 buffers at once or push real log-ins minutes back.

use crate::model::AppError;
use crate::server::error::internal;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a request waits for a slot before it is told to come back.
pub const QUEUE_WAIT: Duration = Duration::from_secs(3);

/// Slots of CPU work unless configured: two per core, so the cores stay
/// busy while one slot's thread waits on memory, and argon2's 19 MiB per
/// hash stays a few dozen MiB in all.
pub fn default_slots() -> usize {
    2 * std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A bounded set of slots for CPU work.
#[derive(Clone, Debug)]
pub struct CpuPool {
    slots: Arc<Semaphore>,
    size: usize,
    wait: Duration,
}

impl CpuPool {
    pub fn new(slots: usize, wait: Duration) -> Self {
        CpuPool {
            slots: Arc::new(Semaphore::new(slots)),
            size: slots,
            wait,
        }
    }

    /// Runs `work` on the blocking pool once a slot is free. The slot goes
    /// back when `work` ends, even if the request that asked has gone.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let Ok(Ok(slot)) =
            tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await
        else {
            tracing::warn!(slots = self.size, "CPU work refused: every slot is busy");
            return Err(AppError::Busy {
                retry_after_secs: 1,
            });
        };
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        })
        .await
        .map_err(internal)
    }
}

static SHARED: OnceLock<CpuPool> = OnceLock::new();

/// The process's pool; two slots per core unless [`configure`]d first.
pub fn shared() -> &'static CpuPool {
    SHARED.get_or_init(CpuPool::default)
}

/// Sizes the process's pool to `slots`, before anything used it, and
/// returns it. (Several servers in one process, as in the tests, share the
/// first one's.)
pub fn configure(slots: usize) -> &'static CpuPool {
    let pool = SHARED.get_or_init(|| CpuPool::new(slots, QUEUE_WAIT));
    if pool.size != slots {
        tracing::warn!(
            slots = pool.size,
            asked = slots,
            "the CPU pool was sized already"
        );
    }
    pool
}

impl Default for CpuPool {
    fn default() -> Self {
        CpuPool::new(default_slots(), QUEUE_WAIT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Work that holds `pool`'s slot until `release` is sent, started and
    /// running by the time this returns.
    async fn hold(
        pool: &CpuPool,
    ) -> (
        std::sync::mpsc::Sender<()>,
        tokio::task::JoinHandle<Result<(), AppError>>,
    ) {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel();
        let work = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    started.send(()).unwrap();
                    held.recv().unwrap();
                })
                .await
            }
        });
        running.await.unwrap();
        (release, work)
    }

    #[tokio::test]
    async fn beyond_its_slots_the_pool_says_busy_instead_of_queueing() {
        let pool = CpuPool::new(1, Duration::from_millis(50));
        let (release, first) = hold(&pool).await;
        assert_eq!(
            pool.run(|| 2).await,
            Err(AppError::Busy {
                retry_after_secs: 1
            })
        );
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(()));
        // The slot is back.
        assert_eq!(pool.run(|| 3).await, Ok(3));
    }

    #[tokio::test]
    async fn a_slot_is_held_until_the_work_ends_even_if_the_caller_left() {
        let pool = CpuPool::new(1, Duration::from_millis(50));
        let (release, caller) = hold(&pool).await;
        caller.abort();
        let _ = caller.await;
        // The work still runs, so its slot is still taken.
        assert!(matches!(pool.run(|| ()).await, Err(AppError::Busy { .. })));
        release.send(()).unwrap();
        assert_eq!(
            tokio::time::timeout(Duration::from_secs(10), async {
                loop {
                    if let Ok(v) = pool.run(|| 4).await {
                        return v;
                    }
                }
            })
            .await,
            Ok(4)
        );
    }
}
