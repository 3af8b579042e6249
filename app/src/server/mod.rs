//! Server-only code, compiled with the `ssr` feature; nothing here reaches the
//! browser. The tenancy engine itself is the `tenancy` crate. Rooms, each
//! importing only the rooms listed after it (and the shared files):
//!
//! * `web/`: the HTTP edge besides server functions (host router, context,
//!   origin check, handoff, email links, plain pages);
//! * `rest/`: the REST API under `/api/v1` and its OpenAPI document;
//! * `identity/`: accounts, sessions, members, invitations (control plane);
//! * `org/`: everything in an organization's own database;
//! * `mail/`: the mailer and the outbox.
//!
//! Shared files: `state` (AppState), `settings`, `error`, `rate_limit`,
//! `chart` (SVG charts drawn on the server), `markup` (escaping),
//! `cpu` (bounded CPU-heavy work), `cookies` (their names), `like` (literal
//! searches), `lines` (the answer to a pasted list), `paging` (a page of a
//! list, in SQL), `secret`, `time`, and
//! `entities/` (the database tables).

pub mod chart;
pub mod cookies;
pub mod cpu;
pub mod entities;
pub mod error;
pub mod identity;
pub mod like;
pub mod lines;
pub mod mail;
pub mod markup;
pub mod org;
pub mod paging;
pub mod rate_limit;
pub mod rest;
pub mod secret;
pub mod settings;
pub mod state;
pub mod time;
pub mod web;

pub use state::AppState;
