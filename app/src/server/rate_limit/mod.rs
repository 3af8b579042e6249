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
mod login;
mod tenant_slots;

pub use keys::{address_key, email_key};
pub use limiter::{seconds_to_wait, Limit, RateLimiter};
pub use login::{KnownAddresses, LoginAttempt};
pub use tenant_slots::{TenantSlots, Turn};

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
    /// Requests of one organization served at once.
    pub tenant_concurrency: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            cpu_slots: crate::server::cpu::default_slots(),
            signups_per_address: 10,
            signups_per_email: 5,
            signups_per_hour: 500,
            tenant_concurrency: 16,
        }
    }
}

/// Every limit the application enforces: the rate limits, and the pool
/// that bounds CPU-heavy work.
#[derive(Debug)]
pub struct Limits {
    /// Password hashing and other CPU-heavy work, a few at once.
    pub cpu: CpuPool,
    /// Each organization's requests served at once.
    pub tenant_slots: TenantSlots,
    /// Sign-ups from everyone together, per client address and per email:
    /// each one creates a database.
    pub signups: RateLimiter,
    pub signups_per_ip: RateLimiter,
    pub signups_per_email: RateLimiter,
    /// Failed log-ins per client address, on any account.
    pub login_per_ip: RateLimiter,
    /// Failed log-ins per account (email) and client address.
    pub login_per_account_and_ip: RateLimiter,
    /// Failed log-ins per account from addresses it has not logged in
    /// from lately (see `login`).
    pub login_per_account: RateLimiter,
    /// Where each account logged in from lately.
    pub known_addresses: KnownAddresses,
    /// Attempts to set a password with a reset link, per client address:
    /// a link is guessed no faster than a password.
    pub reset_per_ip: RateLimiter,
    /// Emails anyone may ask for (verification again, password reset, "find
    /// my organizations"), per client address.
    pub mail_per_ip: RateLimiter,
    /// The same, per recipient and kind of mail ([`MailKind`]): nobody can
    /// flood one mailbox, and asking for one kind never holds up another.
    pub mail_per_recipient: RateLimiter,
    /// Invitations sent (or sent again) per organization.
    pub invites_per_tenant: RateLimiter,
    /// Invitations per organization and recipient: mail that strangers can
    /// ask for never holds up an admin's invitation.
    pub invites_per_recipient: RateLimiter,
    /// Hosts that name no organization, asked for per client address: each
    /// costs a control-plane lookup (`web::host_router`).
    pub unknown_hosts_per_ip: RateLimiter,
    /// REST API requests per organization, from all its callers together:
    /// no organization takes the server from the others, however many
    /// tokens it makes.
    pub api_per_tenant: RateLimiter,
    /// REST API requests per credential (an API token, or a member's
    /// session): one runaway script leaves its organization's other
    /// callers room.
    pub api_per_caller: RateLimiter,
    /// DNS checks of custom domains an organization's owners ask for:
    /// each sends queries to the domain's DNS servers.
    pub domain_checks_per_tenant: RateLimiter,
}

impl Limits {
    pub const LOGIN_PER_IP: Limit = Limit::per_minutes(20, 15);
    pub const LOGIN_PER_ACCOUNT_AND_ADDRESS: Limit = Limit::per_minutes(5, 15);
    pub const LOGIN_PER_ACCOUNT: Limit = Limit::per_minutes(50, 15);
    pub const RESET_PER_IP: Limit = Limit::per_minutes(20, 15);
    pub const MAIL_PER_IP: Limit = Limit::per_minutes(10, 60);
    pub const MAIL_PER_RECIPIENT: Limit = Limit::per_minutes(3, 60);
    pub const INVITES_PER_TENANT: Limit = Limit::per_minutes(50, 60);
    pub const INVITES_PER_RECIPIENT: Limit = Limit::per_minutes(3, 60);
    pub const UNKNOWN_HOSTS_PER_IP: Limit = Limit::per_minutes(120, 1);
    pub const API_PER_TENANT: Limit = Limit::per_minutes(3_000, 1);
    pub const API_PER_CALLER: Limit = Limit::per_minutes(600, 1);
    pub const DOMAIN_CHECKS_PER_TENANT: Limit = Limit::per_minutes(30, 10);

    pub fn new() -> Self {
        Self::with(&LimitSettings::default(), CpuPool::default())
    }

    /// The limits `settings` asks for, with `cpu` for CPU-heavy work.
    pub fn with(settings: &LimitSettings, cpu: CpuPool) -> Self {
        let per_hour = |max| Limit::per_minutes(max, 60);
        Limits {
            cpu,
            tenant_slots: TenantSlots::new(settings.tenant_concurrency),
            signups: RateLimiter::new(per_hour(settings.signups_per_hour)),
            signups_per_ip: RateLimiter::new(per_hour(settings.signups_per_address)),
            signups_per_email: RateLimiter::new(per_hour(settings.signups_per_email)),
            login_per_ip: RateLimiter::new(Self::LOGIN_PER_IP),
            login_per_account_and_ip: RateLimiter::new(Self::LOGIN_PER_ACCOUNT_AND_ADDRESS),
            login_per_account: RateLimiter::new(Self::LOGIN_PER_ACCOUNT),
            known_addresses: KnownAddresses::default(),
            reset_per_ip: RateLimiter::new(Self::RESET_PER_IP),
            mail_per_ip: RateLimiter::new(Self::MAIL_PER_IP),
            mail_per_recipient: RateLimiter::new(Self::MAIL_PER_RECIPIENT),
            invites_per_tenant: RateLimiter::new(Self::INVITES_PER_TENANT),
            invites_per_recipient: RateLimiter::new(Self::INVITES_PER_RECIPIENT),
            unknown_hosts_per_ip: RateLimiter::new(Self::UNKNOWN_HOSTS_PER_IP),
            api_per_tenant: RateLimiter::new(Self::API_PER_TENANT),
            api_per_caller: RateLimiter::new(Self::API_PER_CALLER),
            domain_checks_per_tenant: RateLimiter::new(Self::DOMAIN_CHECKS_PER_TENANT),
        }
    }

    /// Counts one email of `kind` that someone at `ip` asked to send to
    /// `email`. `Ok(false)`: do not send it, the recipient has had enough
    /// of that kind lately (the asker's allowance still counts it). Anyone
    /// may ask for a reset or the organization list for any address, so a
    /// full recipient allowance is no error: those mails went to the
    /// address's owner, and their links still work (they outlive the
    /// window), so a stranger's asking cannot stop the owner resetting.
    ///
    /// # Errors
    /// `RateLimited` when `ip` has asked for too many emails lately.
    pub fn take_mail(&self, ip: IpAddr, kind: MailKind, email: &str) -> Result<bool, AppError> {
        let address = address_key(ip);
        let recipient = kind.key(email);
        match take_all(&[
            (&self.mail_per_ip, &address),
            (&self.mail_per_recipient, &recipient),
        ]) {
            Ok(()) => Ok(true),
            Err(_) => take_all(&[(&self.mail_per_ip, &address)]).map(|()| false),
        }
    }

    /// Counts one more confirmation link the signed-in owner of `email`
    /// asked for from `ip`, or says how long to wait.
    pub fn take_confirmation(&self, ip: IpAddr, email: &str) -> Result<(), AppError> {
        take_all(&[
            (&self.mail_per_ip, &address_key(ip)),
            (&self.mail_per_recipient, &MailKind::Confirmation.key(email)),
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

    /// Counts one invitation from organization `tenant_id` to `email`, or
    /// says how long to wait (nothing is counted then).
    pub fn take_invite(&self, tenant_id: i64, email: &str) -> Result<(), AppError> {
        take_all(&[
            (&self.invites_per_tenant, &tenant_id.to_string()),
            (&self.invites_per_recipient, &invite_key(tenant_id, email)),
        ])
    }
}

impl Limits {
    /// Counts one DNS check of a custom domain that organization
    /// `tenant_id` asked for, or says how long to wait.
    pub fn take_domain_check(&self, tenant_id: i64) -> Result<(), AppError> {
        take_all(&[(&self.domain_checks_per_tenant, &tenant_id.to_string())])
    }
}

/// The key of invitations from organization `tenant_id` to `email`.
pub fn invite_key(tenant_id: i64, email: &str) -> String {
    format!("{tenant_id}/{}", email_key(email))
}

/// The kinds of mail someone may ask for, each with its own allowance per
/// recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// A password reset link (anyone may ask, for any address).
    PasswordReset,
    /// The list of an address's organizations (anyone may ask).
    OrganizationList,
    /// The email confirmation link again (only its signed-in owner asks).
    Confirmation,
}

impl MailKind {
    /// The recipient key of this kind of mail to `email`.
    fn key(self, email: &str) -> String {
        let kind = match self {
            MailKind::PasswordReset => "reset",
            MailKind::OrganizationList => "find",
            MailKind::Confirmation => "confirm",
        };
        format!("{kind}/{}", email_key(email))
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
    fn a_stranger_asking_for_resets_holds_up_no_other_mail_to_the_address() {
        let limits = Limits::new();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let owner: IpAddr = "198.51.100.7".parse().unwrap();
        let email = "newhire@example.org";
        for _ in 0..Limits::MAIL_PER_RECIPIENT.max {
            assert_eq!(
                limits.take_mail(stranger, MailKind::PasswordReset, email),
                Ok(true)
            );
        }
        // More resets are not sent, to anyone's asking; the answer is no error.
        assert_eq!(
            limits.take_mail(owner, MailKind::PasswordReset, email),
            Ok(false)
        );
        // The other kinds, and invitations, are untouched.
        assert_eq!(
            limits.take_mail(owner, MailKind::OrganizationList, email),
            Ok(true)
        );
        assert_eq!(limits.take_confirmation(owner, email), Ok(()));
        assert_eq!(limits.take_invite(1, email), Ok(()));
    }

    #[test]
    fn an_asker_past_their_own_allowance_is_told_to_wait() {
        let limits = Limits::new();
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        for n in 0..Limits::MAIL_PER_IP.max {
            let email = format!("r{}@example.org", n % 2);
            limits
                .take_mail(ip, MailKind::PasswordReset, &email)
                .unwrap();
        }
        assert!(matches!(
            limits.take_mail(ip, MailKind::OrganizationList, "other@example.org"),
            Err(AppError::RateLimited { .. })
        ));
    }
}
