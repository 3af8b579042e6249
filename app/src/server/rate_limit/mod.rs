//! Rate limits on guessable doors (log-in, and the emails anyone can
//! request) and on the REST API's callers: at most `max` counted events per
//! key within a sliding `window`.
//!
//! The counts live in this process. Behind a load balancer each instance
//! counts on its own, so the effective allowance is `max` times the number of
//! instances; that still turns a password guesser's millions of tries into
//! tens.
//!
//! Inside: `limiter` (one sliding-window limiter) and `keys` (what they
//! count by); here, every limit the application enforces and how a request
//! takes from several at once.

mod keys;
mod limiter;

pub use keys::{address_key, email_key};
pub use limiter::{seconds_to_wait, Limit, RateLimiter};

use crate::model::AppError;
use crate::server::cpu::CpuPool;
use std::{net::IpAddr, time::Instant};

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
}
