//! The log-in limits: what a guesser may try, and why a stranger who knows
//! only an email cannot lock its owner out.
//!
//! Failed attempts are counted three ways:
//! - per address, on every account (a guesser trying many accounts);
//! - per account *and* address (a guesser trying one account): the owner
//!   at their own address is not refused because someone elsewhere guessed;
//! - per account from anywhere, at a far higher threshold (a guesser with
//!   many addresses), which does not apply at an address the account
//!   logged in from lately: a stranger's guesses from a thousand addresses
//!   still leave the owner in from their usual one.

use super::{address_key, email_key, take_all, Limits};
use crate::model::AppError;
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

impl Limits {
    /// Reserves one log-in attempt from `ip` on the account `email` before
    /// the password is checked, or says how long to wait (nothing is
    /// counted then). Reserving first means attempts sent together cannot
    /// all pass one check before any of them is counted. A successful
    /// attempt is handed back through [`LoginAttempt::succeeded`].
    pub fn take_login(&self, ip: IpAddr, email: &str) -> Result<LoginAttempt, AppError> {
        let address = address_key(ip);
        let account = email_key(email);
        let pair = pair_key(&account, &address);
        let from_known = self.known_addresses.contains(&pair);
        let mut limits = vec![
            (&self.login_per_ip, address.as_str()),
            (&self.login_per_account_and_ip, pair.as_str()),
        ];
        if !from_known {
            limits.push((&self.login_per_account, account.as_str()));
        }
        take_all(&limits)?;
        Ok(LoginAttempt {
            address,
            account: (!from_known).then_some(account),
            pair,
        })
    }

    /// Forgets the failed log-ins on the account `email` (its owner just
    /// proved they hold the address).
    pub fn forgive_account(&self, email: &str) {
        let account = email_key(email);
        self.login_per_account.clear(&account);
        self.login_per_account_and_ip
            .clear_where(|key| key.starts_with(&format!("{account}|")));
    }
}

/// The key of one account at one address.
fn pair_key(account: &str, address: &str) -> String {
    format!("{account}|{address}")
}

/// A log-in attempt counted on its address and its account.
#[derive(Debug)]
#[must_use = "a successful attempt is handed back with `succeeded`"]
pub struct LoginAttempt {
    address: String,
    /// The account-wide key, when the attempt was counted there (it came
    /// from an address the account has not logged in from lately).
    account: Option<String>,
    pair: String,
}

impl LoginAttempt {
    /// The password was right: the attempt does not count against the
    /// address or the account, the failures at this address are forgotten,
    /// and the address is remembered as one the account uses.
    pub fn succeeded(self, limits: &Limits) {
        limits.login_per_ip.refund(&self.address);
        if let Some(account) = &self.account {
            limits.login_per_account.refund(account);
        }
        limits.login_per_account_and_ip.clear(&self.pair);
        limits.known_addresses.insert(self.pair);
    }

    /// The password was not checked at all (the server was busy): the
    /// attempt counts nowhere.
    pub fn unchecked(self, limits: &Limits) {
        limits.login_per_ip.refund(&self.address);
        if let Some(account) = &self.account {
            limits.login_per_account.refund(account);
        }
        limits.login_per_account_and_ip.refund(&self.pair);
    }
}

/// Addresses each account logged in from lately (by [`pair_key`]), kept
/// for [`KnownAddresses::KEEP`] and at most [`KnownAddresses::MAX`] of
/// them, in this process's memory like the counts they exempt from.
#[derive(Debug, Default)]
pub struct KnownAddresses {
    seen: Mutex<HashMap<String, Instant>>,
}

impl KnownAddresses {
    /// How long a successful log-in vouches for its address.
    pub const KEEP: Duration = Duration::from_secs(30 * 24 * 60 * 60);
    /// Pairs kept at most; beyond, the oldest half is dropped (those
    /// accounts fall back to the account-wide limit, as after a restart).
    pub const MAX: usize = 100_000;

    fn contains(&self, pair: &str) -> bool {
        let seen = tenancy::sync::lock(&self.seen);
        seen.get(pair).is_some_and(|at| at.elapsed() < Self::KEEP)
    }

    fn insert(&self, pair: String) {
        let mut seen = tenancy::sync::lock(&self.seen);
        if seen.len() >= Self::MAX && !seen.contains_key(&pair) {
            seen.retain(|_, at| at.elapsed() < Self::KEEP);
            if seen.len() >= Self::MAX {
                let mut times: Vec<Instant> = seen.values().copied().collect();
                let (_, &mut median, _) = times.select_nth_unstable(seen.len() / 2);
                seen.retain(|_, at| *at > median);
            }
        }
        seen.insert(pair, Instant::now());
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        tenancy::sync::lock(&self.seen).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn attempts_taken_together_cannot_all_pass_one_check() {
        // Forty log-ins arriving at once: each reserves before its password
        // is checked, so no more than the allowance get through.
        let limits = Limits::new();
        let attempts: Vec<_> = (0..40)
            .map(|_| limits.take_login(ip("192.0.2.1"), "victim@example.org"))
            .collect();
        let through = attempts.iter().filter(|a| a.is_ok()).count();
        assert_eq!(through, Limits::LOGIN_PER_ACCOUNT_AND_ADDRESS.max);
    }

    #[test]
    fn a_successful_log_in_does_not_count_against_its_address() {
        let limits = Limits::new();
        for i in 0..Limits::LOGIN_PER_IP.max * 2 {
            limits
                .take_login(ip("192.0.2.1"), &format!("user{i}@example.org"))
                .expect("successes leave the allowance as it was")
                .succeeded(&limits);
        }
    }

    #[test]
    fn guesses_from_elsewhere_leave_the_owner_in_at_an_address_they_used() {
        let limits = Limits::new();
        let victim = "victim@example.org";
        limits
            .take_login(ip("198.51.100.7"), victim)
            .unwrap()
            .succeeded(&limits);
        // A stranger guesses from as many addresses as it takes to use up
        // the account-wide allowance.
        let per_address = Limits::LOGIN_PER_ACCOUNT_AND_ADDRESS.max;
        let addresses = Limits::LOGIN_PER_ACCOUNT.max.div_ceil(per_address) + 1;
        for n in 0..addresses {
            for _ in 0..per_address {
                let _ = limits.take_login(ip(&format!("203.0.113.{n}")), victim);
            }
        }
        assert!(
            limits.take_login(ip("192.0.2.99"), victim).is_err(),
            "a new address meets the account-wide limit"
        );
        assert!(
            limits.take_login(ip("198.51.100.7"), victim).is_ok(),
            "the owner's own address does not"
        );
    }

    #[test]
    fn known_addresses_stay_bounded() {
        let known = KnownAddresses::default();
        for i in 0..=KnownAddresses::MAX {
            known.insert(format!("a{i}|x"));
        }
        assert!(
            known.len() <= KnownAddresses::MAX / 2 + 1,
            "{}",
            known.len()
        );
        assert!(known.contains(&format!("a{}|x", KnownAddresses::MAX)));
    }
}
