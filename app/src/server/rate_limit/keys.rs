//! What a limiter counts by: client addresses (IPv6 by /64) and emails,
//! each key bounded in length.

use crate::server::secret::digest;
use std::net::IpAddr;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
