//! Any `Host` header, against several base domains: the parser never panics,
//! a tenant is only ever a valid, unreserved slug directly under the base,
//! a custom domain a well-formed domain name outside it, and what it
//! reports survives a round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The parsers under test, compiled from the app's own source files. They
// are pure (std only); including them, instead of depending on the `app`
// crate, keeps the fuzz build from compiling the whole web stack with
// sanitizers, so the smoke run in `make test` takes seconds. The layout
// mirrors the app's, so `crate::model::slug` resolves as it does there.
#[allow(dead_code)]
#[path = "../../src/model/slug.rs"]
pub mod slug;
#[allow(dead_code)]
#[path = "../../src/model/hostname.rs"]
pub mod hostname;
mod model {
    pub use super::{hostname, slug};
}
#[allow(dead_code)]
#[path = "../../src/server/web/host.rs"]
mod host;

use host::{parse_host, HostKind};

const BASES: &[&str] = &["localhost", "app.example", "tenantry.example.co.uk"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let base = BASES[selector as usize % BASES.len()];
    let Ok(host) = std::str::from_utf8(rest) else {
        return;
    };
    let parsed = parse_host(host, base);
    let name = host.split_once(':').map_or(host, |(name, _)| name);
    match &parsed.kind {
        HostKind::Tenant(slug) => {
            // What the parser routes; sign-up refuses a few more
            // (`validate_slug`), which organizations made earlier keep.
            assert_eq!(model::slug::check_slug_format(slug), Ok(()), "{host:?}");
            assert!(!model::slug::is_reserved(slug), "{host:?}");
            assert_eq!(name, format!("{slug}.{base}"), "{host:?}");
        }
        HostKind::Apex => assert_eq!(name, base, "{host:?}"),
        HostKind::Www => assert_eq!(name, format!("www.{base}"), "{host:?}"),
        HostKind::Admin => assert_eq!(name, format!("admin.{base}"), "{host:?}"),
        // Another domain: never the base nor under it, and a domain name.
        HostKind::Custom(domain) => {
            assert_eq!(name, domain, "{host:?}");
            assert!(name != base && !name.ends_with(&format!(".{base}")), "{host:?}");
            assert_eq!(model::hostname::domain_problem(domain), None, "{host:?}");
        }
        HostKind::Unknown => {}
    }
    if parsed.kind != HostKind::Unknown {
        // Rebuilding the header from what was parsed gives the same answer.
        let rebuilt = match parsed.port {
            Some(port) => format!("{name}:{port}"),
            None => name.to_owned(),
        };
        assert_eq!(parse_host(&rebuilt, base), parsed, "{host:?}");
    }
});
