//! One limiter: at most `max` counted events per key within a sliding
//! `window`, in this process's memory.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

/// An allowance: `max` events per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    pub window: Duration,
}

impl Limit {
    pub const fn per_minutes(max: usize, minutes: u64) -> Self {
        Limit {
            max,
            window: Duration::from_secs(minutes * 60),
        }
    }
}

/// Keys that were counted but have not been looked at for a while are
/// dropped once the map holds this many.
const PRUNE_ABOVE: usize = 10_000;

/// Each key's counted events, oldest first.
pub(super) type Events = HashMap<String, VecDeque<Instant>>;

#[derive(Debug)]
pub struct RateLimiter {
    limit: Limit,
    events: Mutex<Events>,
}

impl RateLimiter {
    pub fn new(limit: Limit) -> Self {
        RateLimiter {
            limit,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when `key` has used its allowance: the time until its
    /// oldest counted event leaves the window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    /// Counts one event for `key`.
    pub fn hit(&self, key: &str) {
        self.hit_at(key, Instant::now());
    }

    /// Forgets `key`'s events (a successful log-in clears its account's
    /// failures).
    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }

    /// Forgets the events of every key `matches` accepts.
    pub fn clear_where(&self, matches: impl Fn(&str) -> bool) {
        self.lock().retain(|key, _| !matches(key));
    }

    /// Gives back one event counted for `key` (an attempt reserved before
    /// the work, which turned out not to count).
    pub fn refund(&self, key: &str) {
        let mut events = self.lock();
        if let Some(times) = events.get_mut(key) {
            times.pop_back();
            if times.is_empty() {
                events.remove(key);
            }
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Events> {
        tenancy::sync::lock(&self.events)
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        self.wait_in(&mut self.lock(), key, now)
    }

    fn hit_at(&self, key: &str, now: Instant) {
        self.count_in(&mut self.lock(), key, now);
    }

    /// [`RateLimiter::check`] on this limiter's locked map.
    pub(super) fn wait_in(
        &self,
        events: &mut Events,
        key: &str,
        now: Instant,
    ) -> Result<(), Duration> {
        let Some(times) = events.get_mut(key) else {
            return Ok(());
        };
        self.forget_old(times, now);
        if times.len() < self.limit.max {
            if times.is_empty() {
                events.remove(key);
            }
            return Ok(());
        }
        let oldest = times[0];
        Err((oldest + self.limit.window).saturating_duration_since(now))
    }

    /// [`RateLimiter::hit`] on this limiter's locked map.
    pub(super) fn count_in(&self, events: &mut Events, key: &str, now: Instant) {
        if events.len() >= PRUNE_ABOVE {
            events.retain(|_, times| {
                self.forget_old(times, now);
                !times.is_empty()
            });
        }
        let times = events.entry(key.to_owned()).or_default();
        self.forget_old(times, now);
        times.push_back(now);
        // Only the newest `max` matter for the next decision.
        while times.len() > self.limit.max {
            times.pop_front();
        }
    }

    fn forget_old(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= self.limit.window)
        {
            times.pop_front();
        }
    }
}

/// Whole seconds to tell the user, never "0 s".
pub fn seconds_to_wait(wait: Duration) -> u64 {
    let rounded_up = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    rounded_up.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        max: 3,
        window: Duration::from_secs(60),
    };

    #[test]
    fn the_allowance_is_used_up_then_comes_back_as_events_age() {
        let limiter = RateLimiter::new(LIMIT);
        let start = Instant::now();
        for i in 0..3 {
            assert!(limiter.check_at("k", start).is_ok(), "event {i}");
            limiter.hit_at("k", start + Duration::from_secs(i * 10));
        }
        // Full: the wait is until the first event (at 0 s) is 60 s old.
        let at = start + Duration::from_secs(25);
        assert_eq!(limiter.check_at("k", at), Err(Duration::from_secs(35)));
        // Other keys are not affected.
        assert!(limiter.check_at("other", at).is_ok());
        // One event has aged out: one more is allowed.
        assert!(limiter
            .check_at("k", start + Duration::from_secs(60))
            .is_ok());
    }

    #[test]
    fn clearing_a_key_restores_its_allowance() {
        let limiter = RateLimiter::new(LIMIT);
        let now = Instant::now();
        for _ in 0..3 {
            limiter.hit_at("k", now);
        }
        assert!(limiter.check_at("k", now).is_err());
        limiter.clear("k");
        assert!(limiter.check_at("k", now).is_ok());
    }

    #[test]
    fn old_keys_are_pruned_when_the_map_is_large() {
        let limiter = RateLimiter::new(LIMIT);
        let start = Instant::now();
        for i in 0..PRUNE_ABOVE {
            limiter.hit_at(&format!("k{i}"), start);
        }
        limiter.hit_at("late", start + Duration::from_secs(61));
        assert_eq!(limiter.lock().len(), 1);
    }

    #[test]
    fn waits_are_whole_seconds_rounded_up() {
        assert_eq!(seconds_to_wait(Duration::from_millis(1)), 1);
        assert_eq!(seconds_to_wait(Duration::from_secs(0)), 1);
        assert_eq!(seconds_to_wait(Duration::from_secs(35)), 35);
        assert_eq!(seconds_to_wait(Duration::from_millis(35_200)), 36);
    }
}
