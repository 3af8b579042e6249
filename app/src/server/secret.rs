//! Random secrets shown once (one-time tokens, invitation links, API tokens)
//! and the digest they are stored and looked up by.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the operating system's generator, as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// The SHA-256 of a secret, as hex: what the database keeps instead of it.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
