//! Subdomain ("slug") rules. Pure, shared by the browser (instant feedback
//! while typing) and the server (the check that counts).

use std::fmt;

/// Subdomains that never belong to a tenant: platform hosts and names that
/// would confuse users or phishing filters.
/// Subdomains the platform serves itself: never an organization's, on
/// any host.
pub const RESERVED_SLUGS: &[&str] = &[
    "admin", "www", "api", "app", "static", "assets", "mail", "auth", "login", "signup", "status",
    "docs", "help", "support", "billing",
];

/// Subdomains a new organization cannot take: names mail and browser
/// clients look up on their own, and names that pass for the platform's
/// own pages. An organization that took one before this list grew keeps
/// it (the host parser applies [`RESERVED_SLUGS`] only).
pub const UNAVAILABLE_SLUGS: &[&str] = &[
    "autodiscover",
    "autoconfig",
    "mta-sts",
    "wpad",
    "smtp",
    "imap",
    "pop",
    "pop3",
    "mx",
    "ns1",
    "ns2",
    "webmail",
    "ftp",
    "cdn",
    "sso",
    "id",
    "account",
    "accounts",
    "security",
    "secure",
    "dashboard",
    "console",
    "root",
];

pub const MIN_SLUG_LEN: usize = 3;
pub const MAX_SLUG_LEN: usize = 40;

/// Why a subdomain cannot be used. `Display` is the message shown next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugError {
    Empty,
    TooShort,
    TooLong,
    InvalidCharacters,
    EdgeHyphen,
    Reserved,
    /// `xn--…` and other labels with hyphens third and fourth: the form of
    /// internationalized names, which can look like another tenant's.
    HyphensThirdAndFourth,
}

impl fmt::Display for SlugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            SlugError::Empty => "Choose a subdomain.",
            SlugError::TooShort => "Use at least 3 characters.",
            SlugError::TooLong => "Use at most 40 characters.",
            SlugError::InvalidCharacters => "Use only lowercase letters, digits and hyphens.",
            SlugError::EdgeHyphen => "A subdomain cannot start or end with a hyphen.",
            SlugError::Reserved => "This subdomain is reserved.",
            SlugError::HyphensThirdAndFourth => {
                "A subdomain cannot have hyphens as its third and fourth characters."
            }
        };
        f.write_str(message)
    }
}

/// The shape of a slug, without the reserved list: 3–40 characters of
/// `a-z`, `0-9` and inner hyphens.
pub fn check_slug_format(slug: &str) -> Result<(), SlugError> {
    if slug.is_empty() {
        return Err(SlugError::Empty);
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(SlugError::InvalidCharacters);
    }
    // All bytes are ASCII from here on, so byte length is character length.
    if slug.len() < MIN_SLUG_LEN {
        return Err(SlugError::TooShort);
    }
    if slug.len() > MAX_SLUG_LEN {
        return Err(SlugError::TooLong);
    }
    if slug.starts_with('-') || slug.ends_with('-') {
        return Err(SlugError::EdgeHyphen);
    }
    Ok(())
}

pub fn is_reserved(slug: &str) -> bool {
    RESERVED_SLUGS.contains(&slug)
}

/// Everything a slug must satisfy before the database is asked whether it is taken.
pub fn validate_slug(slug: &str) -> Result<(), SlugError> {
    check_slug_format(slug)?;
    if is_reserved(slug) || UNAVAILABLE_SLUGS.contains(&slug) {
        return Err(SlugError::Reserved);
    }
    // Refused for new organizations only, like the list above (not in the
    // format check the host parser applies), so no existing one becomes
    // unreachable.
    if slug.get(2..4) == Some("--") {
        return Err(SlugError::HyphensThirdAndFourth);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_letters_digits_and_inner_hyphens() {
        for ok in ["acme", "a1b", "acme-corp", "x-1-y", &"a".repeat(40)] {
            assert_eq!(validate_slug(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn internationalized_lookalikes_and_service_names_are_refused() {
        for lookalike in ["xn--cme-6ma", "ab--cd"] {
            assert_eq!(
                validate_slug(lookalike),
                Err(SlugError::HyphensThirdAndFourth),
                "{lookalike}"
            );
        }
        assert_eq!(validate_slug("a--b"), Ok(()));
        for service in [
            "autodiscover",
            "mta-sts",
            "wpad",
            "sso",
            "account",
            "security",
        ] {
            assert_eq!(
                validate_slug(service),
                Err(SlugError::Reserved),
                "{service}"
            );
        }
    }

    #[test]
    fn rejects_bad_shapes_with_the_matching_reason() {
        assert_eq!(validate_slug(""), Err(SlugError::Empty));
        assert_eq!(validate_slug("ab"), Err(SlugError::TooShort));
        assert_eq!(validate_slug(&"a".repeat(41)), Err(SlugError::TooLong));
        assert_eq!(validate_slug("Acme"), Err(SlugError::InvalidCharacters));
        assert_eq!(validate_slug("ac_me"), Err(SlugError::InvalidCharacters));
        assert_eq!(validate_slug("acmé"), Err(SlugError::InvalidCharacters));
        assert_eq!(validate_slug("ac.me"), Err(SlugError::InvalidCharacters));
        assert_eq!(validate_slug("-acme"), Err(SlugError::EdgeHyphen));
        assert_eq!(validate_slug("acme-"), Err(SlugError::EdgeHyphen));
    }

    #[test]
    fn rejects_every_reserved_slug() {
        for reserved in RESERVED_SLUGS {
            assert_eq!(
                validate_slug(reserved),
                Err(SlugError::Reserved),
                "{reserved}"
            );
        }
    }
}
