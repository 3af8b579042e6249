//! Custom domains: what the custom-domain page shows, and the records that
//! prove a domain. What a domain name may be is [`super::hostname`]'s.

use serde::{Deserialize, Serialize};

/// Domains an organization may add.
pub const DOMAINS_AT_MOST: u64 = 3;

/// The label under a domain where its TXT record proves who claims it.
pub const TXT_LABEL: &str = "_tenantry";

/// What the TXT record holds: this, then the domain's token.
pub const TXT_PREFIX: &str = "tenantry-verification=";

/// Where the TXT record for `host` goes.
pub fn txt_name(host: &str) -> String {
    format!("{TXT_LABEL}.{host}")
}

/// The TXT record's value for `token`.
pub fn txt_value(token: &str) -> String {
    format!("{TXT_PREFIX}{token}")
}

/// The custom-domain page: the host the CNAME must name, and each domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainsPage {
    /// `SLUG.BASE`: where each domain's CNAME points.
    pub target: String,
    pub domains: Vec<Domain>,
}

/// One domain and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub host: String,
    /// Its address as the organization's pages link it.
    pub url: String,
    /// Served: its DNS was right at the last check.
    pub verified: bool,
    /// The records to create (the CNAME, then the TXT).
    pub records: Vec<DnsRecord>,
    /// When it was last checked, as the organization's pages write times.
    pub checked: Option<String>,
    /// What the last check found wrong, in words.
    pub problem: Option<String>,
}

/// A DNS record the owner creates at their DNS provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsRecord {
    pub kind: String,
    pub name: String,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_txt_record_sits_under_the_domain() {
        assert_eq!(txt_name("portal.acme.com"), "_tenantry.portal.acme.com");
        assert_eq!(txt_value("abc"), "tenantry-verification=abc");
    }
}
