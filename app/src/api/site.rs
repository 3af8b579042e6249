//! Which site the current host serves, known at once on both sides, so that
//! the route table can pick the home page's code without waiting for an
//! answer: the server reads it from the request (the host router resolved
//! the host before the app runs), the browser from the `data-site` and
//! `data-slug` attributes the server put on `<body>` (see `pages::shell`).
//! A document never changes site: another host is another page load.

use crate::model::site::Site;

/// The site of this request (on the server) or of this document (in the
/// browser). Only apex and tenant hosts reach the app: the host router
/// answers every other host itself.
pub fn this_site() -> Site {
    #[cfg(feature = "ssr")]
    {
        match crate::server::web::context::tenant_slug() {
            Some(slug) => Site::Tenant { slug },
            None => Site::Apex,
        }
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let body = leptos::prelude::document().body();
        let attribute = |name| body.as_ref().and_then(|b| b.get_attribute(name));
        // The names `pages::shell` gives them.
        match attribute("data-site").as_deref() {
            Some(TENANT) => Site::Tenant {
                slug: attribute("data-slug").unwrap_or_default(),
            },
            _ => Site::Apex,
        }
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Site::Apex
    }
}

/// `<body>`'s attributes that carry [`this_site`] to the browser: the kind
/// of site, and the organization's slug (which the address bar shows anyway).
pub fn body_attributes(site: &Site) -> (&'static str, Option<String>) {
    match site {
        Site::Apex => (APEX, None),
        Site::Tenant { slug } => (TENANT, Some(slug.clone())),
    }
}

const APEX: &str = "apex";
const TENANT: &str = "tenant";
