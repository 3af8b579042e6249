//! Host routing: which site a `Host` header names. A pure function, so it can
//! be unit-tested and fuzzed; it never allocates more than the slug.

use crate::model::{
    hostname::domain_problem,
    slug::{check_slug_format, is_reserved},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKind {
    /// The base domain itself: landing, sign-up.
    Apex,
    /// `www.BASE`: redirects to the apex.
    Www,
    /// `admin.BASE`: the super-admin console (not served yet).
    Admin,
    /// `SLUG.BASE` with a well-formed, non-reserved slug.
    Tenant(String),
    /// A well-formed domain name outside BASE: an organization's own
    /// domain, served when one is verified for it.
    Custom(String),
    /// Anything else: deeper subdomains of BASE, IP addresses, reserved or
    /// malformed labels, bad ports, upper case, trailing dots.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedHost {
    pub kind: HostKind,
    /// The port the client used, kept for building URLs to sibling hosts
    /// (also for unknown hosts, whose 404 page links to the sign-up page).
    pub port: Option<u16>,
}

impl ParsedHost {
    fn unknown() -> Self {
        ParsedHost {
            kind: HostKind::Unknown,
            port: None,
        }
    }
}

/// Classifies a `Host` header value (`name` or `name:port`) against `base`.
///
/// Host names are matched exactly as sent: browsers lower-case them, so upper
/// case, a trailing dot or anything outside `a-z 0-9 . -` marks a client we
/// do not serve.
pub fn parse_host(host: &str, base: &str) -> ParsedHost {
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => match parse_port(port) {
            Some(port) => (name, Some(port)),
            None => return ParsedHost::unknown(),
        },
        None => (host, None),
    };
    ParsedHost {
        kind: classify(name, base),
        port,
    }
}

fn parse_port(port: &str) -> Option<u16> {
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    port.parse::<u16>().ok().filter(|p| *p != 0)
}

fn classify(name: &str, base: &str) -> HostKind {
    let well_formed = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if !well_formed || base.is_empty() {
        return HostKind::Unknown;
    }
    if name == base {
        return HostKind::Apex;
    }
    let Some(label) = name
        .strip_suffix(base)
        .and_then(|rest| rest.strip_suffix('.'))
    else {
        return if domain_problem(name).is_none() {
            HostKind::Custom(name.to_owned())
        } else {
            HostKind::Unknown
        };
    };
    match label {
        "www" => HostKind::Www,
        "admin" => HostKind::Admin,
        // A dot left in the label means a deeper subdomain; the format check
        // rejects it along with empty and malformed labels.
        label if check_slug_format(label).is_ok() && !is_reserved(label) => {
            HostKind::Tenant(label.to_owned())
        }
        _ => HostKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "app.example";

    fn kind(host: &str) -> HostKind {
        parse_host(host, BASE).kind
    }

    #[test]
    fn base_domain_is_the_apex_with_or_without_port() {
        assert_eq!(
            parse_host("app.example", BASE),
            ParsedHost {
                kind: HostKind::Apex,
                port: None
            }
        );
        assert_eq!(
            parse_host("app.example:3000", BASE),
            ParsedHost {
                kind: HostKind::Apex,
                port: Some(3000)
            }
        );
    }

    #[test]
    fn www_and_admin_are_their_own_kinds() {
        assert_eq!(kind("www.app.example"), HostKind::Www);
        assert_eq!(kind("www.app.example:8080"), HostKind::Www);
        assert_eq!(kind("admin.app.example"), HostKind::Admin);
    }

    #[test]
    fn a_valid_subdomain_is_a_tenant() {
        assert_eq!(kind("acme.app.example"), HostKind::Tenant("acme".into()));
        assert_eq!(
            parse_host("acme-corp.app.example:3000", BASE),
            ParsedHost {
                kind: HostKind::Tenant("acme-corp".into()),
                port: Some(3000)
            }
        );
    }

    #[test]
    fn reserved_slugs_never_resolve_to_a_tenant() {
        for reserved in crate::model::slug::RESERVED_SLUGS {
            let host = format!("{reserved}.app.example");
            assert!(
                !matches!(kind(&host), HostKind::Tenant(_)),
                "{host} resolved to a tenant"
            );
        }
        assert_eq!(kind("api.app.example"), HostKind::Unknown);
    }

    #[test]
    fn other_domains_and_lookalikes_are_custom_domains_never_tenants() {
        for other in [
            "example.com",
            "acme.example.com",
            "evilapp.example",
            "acme.evilapp.example",
            "app.example.evil.com",
        ] {
            assert_eq!(kind(other), HostKind::Custom(other.into()), "{other}");
        }
        assert_eq!(
            parse_host("portal.acme.com:8443", BASE),
            ParsedHost {
                kind: HostKind::Custom("portal.acme.com".into()),
                port: Some(8443)
            }
        );
        // One label is no domain of anyone's.
        assert_eq!(kind("localhost"), HostKind::Unknown);
        assert_eq!(kind("intranet"), HostKind::Unknown);
    }

    #[test]
    fn deeper_subdomains_are_unknown() {
        assert_eq!(kind("a.acme.app.example"), HostKind::Unknown);
        assert_eq!(kind("www.acme.app.example"), HostKind::Unknown);
        assert_eq!(kind(".app.example"), HostKind::Unknown);
        assert_eq!(kind("..app.example"), HostKind::Unknown);
    }

    #[test]
    fn ip_addresses_are_unknown() {
        assert_eq!(kind("127.0.0.1"), HostKind::Unknown);
        assert_eq!(kind("127.0.0.1:3000"), HostKind::Unknown);
        assert_eq!(kind("[::1]:3000"), HostKind::Unknown);
        assert_eq!(kind("[::1]"), HostKind::Unknown);
        assert_eq!(kind("::1"), HostKind::Unknown);
    }

    #[test]
    fn malformed_ports_are_unknown() {
        assert_eq!(kind("acme.app.example:"), HostKind::Unknown);
        assert_eq!(kind("acme.app.example:abc"), HostKind::Unknown);
        assert_eq!(kind("acme.app.example:0"), HostKind::Unknown);
        assert_eq!(kind("acme.app.example:65536"), HostKind::Unknown);
        assert_eq!(kind("acme.app.example:3000:3000"), HostKind::Unknown);
        assert_eq!(kind("acme.app.example:+80"), HostKind::Unknown);
    }

    #[test]
    fn upper_case_trailing_dots_and_junk_are_unknown() {
        assert_eq!(kind("ACME.app.example"), HostKind::Unknown);
        assert_eq!(kind("App.Example"), HostKind::Unknown);
        assert_eq!(kind("acme.app.example."), HostKind::Unknown);
        assert_eq!(kind("app.example."), HostKind::Unknown);
        assert_eq!(kind("acme_x.app.example"), HostKind::Unknown);
        assert_eq!(kind("ac me.app.example"), HostKind::Unknown);
        assert_eq!(kind("acmé.app.example"), HostKind::Unknown);
        assert_eq!(kind("-acme.app.example"), HostKind::Unknown);
        assert_eq!(kind("ab.app.example"), HostKind::Unknown);
    }

    #[test]
    fn empty_host_is_unknown() {
        assert_eq!(kind(""), HostKind::Unknown);
        assert_eq!(kind(":3000"), HostKind::Unknown);
        assert_eq!(parse_host("evil.com:8080", BASE).port, Some(8080));
        assert_eq!(parse_host("acme.app.example", ""), ParsedHost::unknown());
    }

    #[test]
    fn localhost_base_serves_subdomains_of_localhost() {
        assert_eq!(
            parse_host("localhost:3000", "localhost").kind,
            HostKind::Apex
        );
        assert_eq!(
            parse_host("acme.localhost:3000", "localhost").kind,
            HostKind::Tenant("acme".into())
        );
    }
}
