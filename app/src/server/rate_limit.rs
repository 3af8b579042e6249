//! Rate limits on guessable doors (log-in, and the emails anyone can
//! request) and on the REST API's callers: at most `max` counted events per
//! key within a sliding `window`.
//!
//! The counts live in this process. Behind a load balancer each instance
//! counts on its own, so the effective allowance is `max` times the number of
//! instances; that still turns a password guesser's millions of tries into
//! tens.

use crate::model::AppError;
use crate::server::{cpu::CpuPool, secret::digest};
use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
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
type Events = HashMap<String, VecDeque<Instant>>;

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

    fn lock(&self) -> std::sync::MutexGuard<'_, Events> {
        tenancy::sync::lock(&self.events)
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        self.wait_in(&mut self.lock(), key, now)
    }

    fn hit_at(&self, key: &str, now: Instant) {
        self.count_in(&mut self.lock(), key, now);
    }

    /// [`RateLimiter::check`] on this limiter's locked map.
    fn wait_in(&self, events: &mut Events, key: &str, now: Instant) -> Result<(), Duration> {
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
    fn count_in(&self, events: &mut Events, key: &str, now: Instant) {
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

/// Keys longer than this are kept as their digest: a key costs the same
/// few bytes whatever a client sends.
const MAX_KEY_BYTES: usize = 254;

/// The key of a client address: an IPv4 address as it is, an IPv6 address
/// by its /64 (one subscriber's or one server's share, which hands its
/// holder 2^64 addresses), an IPv4-mapped IPv6 address as the IPv4 one.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The key of an account or recipient: the email as addresses compare,
/// bounded in length.
pub fn email_key(email: &str) -> String {
    let key = email.trim().to_lowercase();
    if key.len() > MAX_KEY_BYTES {
        digest(&key)
    } else {
        key
    }
}

/// Whole seconds to tell the user, never "0 s".
pub fn seconds_to_wait(wait: Duration) -> u64 {
    let rounded_up = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    rounded_up.max(1)
}

/// What the operator sets of the limits (the rest are constants).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitSettings {
    /// CPU-heavy tasks (password checks, …) run at once.
    pub cpu_slots: usize,
    /// Sign-ups per client address per hour.
    pub signups_per_address: usize,
    /// Sign-ups per email address per hour.
    pub signups_per_email: usize,
    /// Sign-ups per hour from everyone together.
    pub signups_per_hour: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            cpu_slots: crate::server::cpu::default_slots(),
            signups_per_address: 10,
            signups_per_email: 5,
            signups_per_hour: 500,
        }
    }
}

/// Every limit the application enforces: the rate limits, and the pool
/// that bounds CPU-heavy work.
#[derive(Debug)]
pub struct Limits {
    /// Password hashing and other CPU-heavy work, a few at once.
    pub cpu: CpuPool,
    /// Sign-ups from everyone together, per client address and per email:
    /// each one creates a database.
    pub signups: RateLimiter,
    pub signups_per_ip: RateLimiter,
    pub signups_per_email: RateLimiter,
    /// Failed log-ins per client address.
    pub login_per_ip: RateLimiter,
    /// Failed log-ins per account (email), from anywhere.
    pub login_per_account: RateLimiter,
    /// Attempts to set a password with a reset link, per client address:
    /// a link is guessed no faster than a password.
    pub reset_per_ip: RateLimiter,
    /// Emails anyone may ask for (verification again, password reset, "find
    /// my organizations"), per client address.
    pub mail_per_ip: RateLimiter,
    /// The same, per recipient: nobody can flood one mailbox. Invitations
    /// count here too.
    pub mail_per_account: RateLimiter,
    /// Invitations sent (or sent again) per organization.
    pub invites_per_tenant: RateLimiter,
    /// REST API requests per organization, from all its callers together:
    /// no organization takes the server from the others, however many
    /// tokens it makes.
    pub api_per_tenant: RateLimiter,
    /// REST API requests per credential (an API token, or a member's
    /// session): one runaway script leaves its organization's other
    /// callers room.
    pub api_per_caller: RateLimiter,
}

impl Limits {
    pub const LOGIN_PER_IP: Limit = Limit::per_minutes(20, 15);
    pub const LOGIN_PER_ACCOUNT: Limit = Limit::per_minutes(5, 15);
    pub const RESET_PER_IP: Limit = Limit::per_minutes(20, 15);
    pub const MAIL_PER_IP: Limit = Limit::per_minutes(10, 60);
    pub const MAIL_PER_ACCOUNT: Limit = Limit::per_minutes(3, 60);
    pub const INVITES_PER_TENANT: Limit = Limit::per_minutes(50, 60);
    pub const API_PER_TENANT: Limit = Limit::per_minutes(3_000, 1);
    pub const API_PER_CALLER: Limit = Limit::per_minutes(600, 1);

    pub fn new() -> Self {
        Self::with(&LimitSettings::default(), CpuPool::default())
    }

    /// The limits `settings` asks for, with `cpu` for CPU-heavy work.
    pub fn with(settings: &LimitSettings, cpu: CpuPool) -> Self {
        let per_hour = |max| Limit::per_minutes(max, 60);
        Limits {
            cpu,
            signups: RateLimiter::new(per_hour(settings.signups_per_hour)),
            signups_per_ip: RateLimiter::new(per_hour(settings.signups_per_address)),
            signups_per_email: RateLimiter::new(per_hour(settings.signups_per_email)),
            login_per_ip: RateLimiter::new(Self::LOGIN_PER_IP),
            login_per_account: RateLimiter::new(Self::LOGIN_PER_ACCOUNT),
            reset_per_ip: RateLimiter::new(Self::RESET_PER_IP),
            mail_per_ip: RateLimiter::new(Self::MAIL_PER_IP),
            mail_per_account: RateLimiter::new(Self::MAIL_PER_ACCOUNT),
            invites_per_tenant: RateLimiter::new(Self::INVITES_PER_TENANT),
            api_per_tenant: RateLimiter::new(Self::API_PER_TENANT),
            api_per_caller: RateLimiter::new(Self::API_PER_CALLER),
        }
    }

    /// Counts one email requested from `ip` for `email`, or says how long
    /// to wait when either allowance is used up (nothing is counted then).
    pub fn take_mail(&self, ip: IpAddr, email: &str) -> Result<(), AppError> {
        take_all(&[
            (&self.mail_per_ip, &address_key(ip)),
            (&self.mail_per_account, &email_key(email)),
        ])
    }

    /// Counts one sign-up from `ip` for `email`, or says how long to wait
    /// (nothing is counted then).
    pub fn take_signup(&self, ip: IpAddr, email: &str) -> Result<(), AppError> {
        take_all(&[
            (&self.signups, "all"),
            (&self.signups_per_ip, &address_key(ip)),
            (&self.signups_per_email, &email_key(email)),
        ])
    }

    /// Counts one attempt from `ip` to use a password-reset link, or says
    /// how long to wait.
    pub fn take_reset(&self, ip: IpAddr) -> Result<(), AppError> {
        take_all(&[(&self.reset_per_ip, &address_key(ip))])
    }

    /// Forgets the failed log-ins on the account `email` (its owner just
    /// proved they hold the address).
    pub fn forgive_account(&self, email: &str) {
        self.login_per_account.clear(&email_key(email));
    }

    /// Reserves one log-in attempt from `ip` on the account `email` before
    /// the password is checked, or says how long to wait (nothing is
    /// counted then). Reserving first means attempts sent together cannot
    /// all pass one check before any of them is counted. A successful
    /// attempt is handed back through [`LoginAttempt::succeeded`].
    pub fn take_login(&self, ip: IpAddr, email: &str) -> Result<LoginAttempt, AppError> {
        let attempt = LoginAttempt {
            address: address_key(ip),
            account: email_key(email),
        };
        take_all(&[
            (&self.login_per_ip, &attempt.address),
            (&self.login_per_account, &attempt.account),
        ])?;
        Ok(attempt)
    }

    /// Counts one invitation from organization `tenant_id` to `email`, or
    /// says how long to wait (nothing is counted then).
    pub fn take_invite(&self, tenant_id: i64, email: &str) -> Result<(), AppError> {
        take_all(&[
            (&self.invites_per_tenant, &tenant_id.to_string()),
            (&self.mail_per_account, &email_key(email)),
        ])
    }
}

/// A log-in attempt counted on its address and its account.
#[derive(Debug)]
#[must_use = "a successful attempt is handed back with `succeeded`"]
pub struct LoginAttempt {
    address: String,
    account: String,
}

impl LoginAttempt {
    /// The password was right: the attempt does not count against the
    /// address, and the account's failures are forgotten.
    pub fn succeeded(self, limits: &Limits) {
        limits.login_per_ip.refund(&self.address);
        limits.login_per_account.clear(&self.account);
    }

    /// The password was not checked at all (the server was busy): the
    /// attempt counts nowhere.
    pub fn unchecked(self, limits: &Limits) {
        limits.login_per_ip.refund(&self.address);
        limits.login_per_account.refund(&self.account);
    }
}

/// Who makes a REST request, as its limit counts them.
#[derive(Clone, Copy, Debug)]
pub enum ApiCaller {
    /// An API token, by id.
    Token(i64),
    /// A member's browser session, by user id.
    Member(i64),
}

impl Limits {
    /// Counts one REST request to organization `tenant_id` by `caller`, or
    /// says how long to wait.
    pub fn take_api(&self, tenant_id: i64, caller: ApiCaller) -> Result<(), AppError> {
        let caller = match caller {
            ApiCaller::Token(id) => format!("{tenant_id}/token/{id}"),
            ApiCaller::Member(id) => format!("{tenant_id}/user/{id}"),
        };
        take_all(&[
            (&self.api_per_tenant, &tenant_id.to_string()),
            (&self.api_per_caller, &caller),
        ])
    }
}

/// One event on every `(limiter, key)`, or the longest wait when any is
/// used up (and then none is counted). Every limiter stays locked from its
/// check to its count, so requests arriving together cannot all pass one
/// check. Callers list the limiters they share in the same order (`Limits`'
/// methods), so two calls never wait on each other's locks.
fn take_all(limits: &[(&RateLimiter, &str)]) -> Result<(), AppError> {
    let now = Instant::now();
    let mut locked: Vec<_> = limits.iter().map(|(limiter, _)| limiter.lock()).collect();
    let wait = limits
        .iter()
        .zip(locked.iter_mut())
        .filter_map(|((limiter, key), events)| limiter.wait_in(events, key, now).err())
        .max();
    if let Some(wait) = wait {
        return Err(AppError::RateLimited {
            retry_after_secs: seconds_to_wait(wait),
        });
    }
    for ((limiter, key), events) in limits.iter().zip(locked.iter_mut()) {
        limiter.count_in(events, key, now);
    }
    Ok(())
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
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
    fn ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() {
        let key = |ip: &str| address_key(ip.parse().unwrap());
        assert_eq!(
            key("2001:db8:1:2::1"),
            key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
    }

    #[test]
    fn email_keys_compare_as_addresses_and_stay_short() {
        assert_eq!(email_key(" Owner@Acme.test "), "owner@acme.test");
        let long = format!("{}@x.test", "a".repeat(64 * 1024));
        assert!(email_key(&long).len() <= MAX_KEY_BYTES);
        assert_ne!(email_key(&long), email_key(&format!("b{long}")));
    }

    #[test]
    fn attempts_taken_together_cannot_all_pass_one_check() {
        // Forty log-ins arriving at once: each reserves before its password
        // is checked, so no more than the allowance get through.
        let limits = Limits::new();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let attempts: Vec<_> = (0..40)
            .map(|_| limits.take_login(ip, "victim@example.org"))
            .collect();
        let through = attempts.iter().filter(|a| a.is_ok()).count();
        assert_eq!(through, Limits::LOGIN_PER_ACCOUNT.max);
    }

    #[test]
    fn a_successful_log_in_does_not_count_against_its_address() {
        let limits = Limits::new();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for i in 0..Limits::LOGIN_PER_IP.max * 2 {
            limits
                .take_login(ip, &format!("user{i}@example.org"))
                .expect("successes leave the allowance as it was")
                .succeeded(&limits);
        }
    }

    #[test]
    fn waits_are_whole_seconds_rounded_up() {
        assert_eq!(seconds_to_wait(Duration::from_millis(1)), 1);
        assert_eq!(seconds_to_wait(Duration::from_secs(0)), 1);
        assert_eq!(seconds_to_wait(Duration::from_secs(35)), 35);
        assert_eq!(seconds_to_wait(Duration::from_millis(35_200)), 36);
    }
}
