use serde::{Deserialize, Serialize};

/// Which site the current host serves. Unknown hosts never reach the app:
/// the host router answers them with a 404 page first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Site {
    /// The base domain: landing page and sign-up.
    Apex,
    /// An organization's subdomain. Only the slug, which the address bar
    /// shows anyway: the organization's data is for its members.
    Tenant { slug: String },
}

/// Live answer to "can I have this subdomain?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlugAvailability {
    pub slug: String,
    pub available: bool,
    pub message: String,
}
