//! Server-only code: tenancy, identity, services and database entities.
//! Compiled only with the `ssr` feature; nothing here reaches the browser.

pub mod api_status;
pub mod audit_export;
pub mod context;
pub mod dev_mailbox;
pub mod email_links;
pub mod entities;
pub mod error;
pub mod handoff;
pub mod host;
pub mod mailer;
pub mod mapping;
pub mod origin;
pub mod password;
pub mod rate_limit;
pub mod rest;
pub mod rest_openapi;
pub mod services;
pub mod session_store;
pub mod settings;
pub mod sign_in;
pub mod state;
pub mod tenancy;
pub mod time;
pub mod tokens;

pub use state::AppState;
