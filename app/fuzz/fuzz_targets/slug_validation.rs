//! Any string as a subdomain: validation never panics, accepts only the
//! documented shape, never accepts a reserved name, and agrees with the
//! host parser about which hosts are tenants (except the names refused to
//! new organizations only, which the host parser still routes so that an
//! organization that took one earlier stays reachable).
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
use model::slug::{
    is_reserved, validate_slug, SlugError, MAX_SLUG_LEN, MIN_SLUG_LEN, UNAVAILABLE_SLUGS,
};

fuzz_target!(|slug: &str| {
    let verdict = validate_slug(slug);
    let host = parse_host(&format!("{slug}.app.example:3000"), "app.example");
    match verdict {
        Ok(()) => {
            assert!((MIN_SLUG_LEN..=MAX_SLUG_LEN).contains(&slug.len()), "{slug:?}");
            assert!(slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug:?}");
            assert!(!is_reserved(slug), "{slug:?}");
            assert_eq!(host.kind, HostKind::Tenant(slug.to_owned()), "{slug:?}");
            assert_eq!(host.port, Some(3000));
        }
        Err(SlugError::Reserved) if UNAVAILABLE_SLUGS.contains(&slug) => {
            assert_eq!(host.kind, HostKind::Tenant(slug.to_owned()), "{slug:?}");
        }
        Err(SlugError::Reserved) => {
            assert!(is_reserved(slug), "{slug:?}");
            assert!(!matches!(host.kind, HostKind::Tenant(_)), "{slug:?}");
        }
        Err(SlugError::HyphensThirdAndFourth) => {
            assert_eq!(slug.get(2..4), Some("--"), "{slug:?}");
            assert_eq!(host.kind, HostKind::Tenant(slug.to_owned()), "{slug:?}");
        }
        Err(_) => assert!(!matches!(host.kind, HostKind::Tenant(_)), "{slug:?}"),
    }
});
