//! Password hashing with argon2id at explicit, OWASP-recommended parameters
//! (19 MiB, 2 iterations, 1 lane), always through the CPU pool
//! (`server::cpu`, the one in `Limits`): a hash takes tens of milliseconds of CPU and must not
//! stall the async workers, and only a few run at once.

use crate::model::AppError;
use crate::server::{cpu::CpuPool, error::internal};
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

/// A PHC-format argon2id hash. Deliberately not `Serialize` and redacted in
/// `Debug`, so it cannot end up in a response or a log line.
#[derive(Clone)]
pub struct PasswordHashString(pub String);

impl std::fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashString([redacted])")
    }
}

/// Checked instead of a stored hash when no account has the email given at
/// log-in, so that an unknown email costs the same argon2 work as a wrong
/// password and response times tell nothing. Its parameters are the ones
/// above (a test checks); no password matches it.
pub const UNKNOWN_ACCOUNT_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$dW5rbm93bi1hY2NvdW50LXBsYWNlaG9sZGVyLWhhc2g";

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .expect("argon2 parameters are constants within argon2's limits");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` with a fresh random salt.
///
/// # Errors
/// `Busy` when the CPU pool has no slot free for a while.
pub async fn hash_password(
    cpu: &CpuPool,
    password: String,
) -> Result<PasswordHashString, AppError> {
    cpu.run(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| PasswordHashString(hash.to_string()))
            .map_err(|e| format!("hashing password: {e}"))
    })
    .await?
    .map_err(internal)
}

/// Whether `password` matches `hash`. A malformed stored hash counts as "no".
///
/// # Errors
/// `Busy` when the CPU pool has no slot free for a while.
pub async fn verify_password(
    cpu: &CpuPool,
    password: String,
    hash: String,
) -> Result<bool, AppError> {
    cpu.run(move || {
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let hash = hash_password(&CpuPool::default(), "correct horse battery".into())
            .await
            .unwrap();
        assert!(
            hash.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            hash.0
        );
        assert!(verify_password(
            &CpuPool::default(),
            "correct horse battery".into(),
            hash.0.clone()
        )
        .await
        .unwrap());
        assert!(
            !verify_password(&CpuPool::default(), "wrong".into(), hash.0)
                .await
                .unwrap()
        );
        assert!(
            !verify_password(&CpuPool::default(), "x".into(), "not a hash".into())
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn the_unknown_account_hash_costs_what_a_real_one_does() {
        let real = hash_password(&CpuPool::default(), "anything".into())
            .await
            .unwrap();
        let params = |hash: &str| hash.rsplitn(3, '$').nth(2).unwrap().to_owned();
        assert_eq!(params(UNKNOWN_ACCOUNT_HASH), params(&real.0));
        let parsed = PasswordHash::new(UNKNOWN_ACCOUNT_HASH).expect("a well-formed PHC string");
        assert_eq!(
            parsed.hash.map(|h| h.len()),
            PasswordHash::new(&real.0).unwrap().hash.map(|h| h.len())
        );
        assert!(!verify_password(
            &CpuPool::default(),
            "anything".into(),
            UNKNOWN_ACCOUNT_HASH.into()
        )
        .await
        .unwrap());
    }
}
