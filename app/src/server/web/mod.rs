//! The HTTP edge that is neither a server function nor REST: the host router
//! (`Host` → tenant context), the authorization vocabulary (`context`), the
//! origin check, status mapping, the handoff, email links, plain pages,
//! the security headers, the form-error guard and the panic catcher.
//! May import: every room below it (`identity`, `org`, `mail`), `tenancy`.

pub mod audit_export;
pub mod brand;
pub mod context;
pub mod deadline;
pub mod dev_mailbox;
pub mod email_links;
pub mod form_errors;
pub mod former_subdomain;
pub mod handoff;
pub mod headers;
pub mod host;
pub mod host_router;
pub mod origin;
pub mod panic;
pub mod status;
pub mod tls_allowed;
pub mod unsubscribe;
pub mod upload;
