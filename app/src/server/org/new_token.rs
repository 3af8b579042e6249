//! A new API token's secret on its way to the page that shows it once.
//!
//! Without JavaScript, creating a token is a form post and a redirect, so
//! the secret has to wait somewhere between the two requests. It is split
//! so that no single store holds it: the session (a row in the control
//! database) keeps it masked with a one-time pad of random bytes, and a
//! short-lived, host-only, HttpOnly cookie holds the pad. A copy of the
//! database alone, or of the cookie alone, tells nothing; the tokens page
//! takes both and removes both.

use crate::model::api_tokens::{ApiToken, CreatedToken};
use crate::server::cookies;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// Session key: the masked secret of the token just created.
pub const SESSION_KEY: &str = "api_token.just_created";
/// The cookie that holds the pad.
pub const PAD_COOKIE: &str = "tenantry_token_pad";
/// How long the pad lives: the redirect to the tokens page takes a moment;
/// later, the secret is gone and the token can be revoked and made again.
pub const PAD_MAX_AGE_SECS: u32 = 600;

/// What the session keeps: the token's description and its masked secret.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sealed {
    pub token: ApiToken,
    /// The secret's bytes XOR the pad's, as hex.
    masked: String,
}

/// Splits `created` into what the session keeps and the pad (hex) for the
/// cookie.
pub fn seal(created: CreatedToken) -> (Sealed, String) {
    let secret = created.secret.into_bytes();
    let mut pad = vec![0u8; secret.len()];
    rand::thread_rng().fill_bytes(&mut pad);
    let masked = xor(&secret, &pad);
    (
        Sealed {
            token: created.token,
            masked: hex::encode(masked),
        },
        hex::encode(pad),
    )
}

/// The token again, from the session's half and the cookie's; `None` when
/// they do not belong together.
pub fn unseal(sealed: Sealed, pad: &str) -> Option<CreatedToken> {
    let masked = hex::decode(&sealed.masked).ok()?;
    let pad = hex::decode(pad).ok()?;
    if pad.len() != masked.len() {
        return None;
    }
    let secret = String::from_utf8(xor(&masked, &pad)).ok()?;
    Some(CreatedToken {
        token: sealed.token,
        secret,
    })
}

fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

/// The `Set-Cookie` value that hands the pad to the browser (`https`:
/// served over https, so `Secure` and `__Host-`).
pub fn pad_cookie(pad: &str, https: bool) -> String {
    set_pad(pad, PAD_MAX_AGE_SECS, https)
}

/// The `Set-Cookie` value that removes the pad.
pub fn pad_cookie_removed(https: bool) -> String {
    set_pad("", 0, https)
}

fn set_pad(value: &str, max_age: u32, https: bool) -> String {
    let name = cookies::name(PAD_COOKIE, https);
    let secure = if https { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// The pad among a request's `Cookie` headers, if any.
pub fn pad_of<'a>(cookie_headers: impl Iterator<Item = &'a str>, https: bool) -> Option<String> {
    let wanted = cookies::name(PAD_COOKIE, https);
    cookie_headers
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::server::secret::random_hex;

    fn created() -> CreatedToken {
        CreatedToken {
            token: ApiToken {
                id: 1,
                name: "CI".into(),
                prefix: "tnt_abcdef".into(),
                role: Role::Viewer,
                created_by: "ann@example.com".into(),
                created: "2026-12-02 08:00 UTC".into(),
                last_used: None,
            },
            secret: format!("tnt_{}", random_hex(24)),
        }
    }

    #[test]
    fn neither_half_holds_the_secret_and_both_give_it_back() {
        let created = created();
        let (sealed, pad) = seal(created.clone());
        let stored = serde_json::to_string(&sealed).unwrap();
        assert!(!stored.contains(&created.secret), "{stored}");
        assert!(!stored.contains(&hex::encode(&created.secret)), "{stored}");
        assert!(!pad.contains(&created.secret));
        assert_eq!(unseal(sealed, &pad), Some(created));
    }

    #[test]
    fn a_pad_that_does_not_fit_gives_nothing() {
        let (sealed, _) = seal(created());
        assert_eq!(unseal(sealed.clone(), "not hex"), None);
        assert_eq!(unseal(sealed, "00ff"), None);
    }

    #[test]
    fn the_pad_is_found_among_the_cookies() {
        let headers = ["tenantry_session=abc; tenantry_token_pad=0f1e", "x=y"];
        assert_eq!(pad_of(headers.into_iter(), false), Some("0f1e".to_owned()));
        assert_eq!(pad_of(["tenantry_token_pad="].into_iter(), false), None);
        assert_eq!(pad_of(std::iter::empty(), false), None);
        // Over https only the prefixed name counts: a cookie without the
        // prefix may have been set by a sibling host.
        assert_eq!(pad_of(headers.into_iter(), true), None);
        let prefixed = ["__Host-tenantry_token_pad=0f1e"];
        assert_eq!(pad_of(prefixed.into_iter(), true), Some("0f1e".to_owned()));
    }

    #[test]
    fn over_https_the_pad_cookie_meets_the_host_prefix_rules() {
        let set = pad_cookie("0f1e", true);
        assert!(set.starts_with("__Host-tenantry_token_pad=0f1e;"), "{set}");
        assert!(
            set.contains("; Secure") && set.contains("; Path=/;"),
            "{set}"
        );
        assert!(!set.contains("Domain"), "{set}");
        assert!(pad_cookie_removed(true).starts_with("__Host-tenantry_token_pad=;"));
        assert!(pad_cookie("0f1e", false).starts_with("tenantry_token_pad=0f1e;"));
    }
}
