//! Tenantry's multi-tenant engine: which tenants exist, where each one's own
//! database lives, how a request reaches it, and how databases are made,
//! moved, migrated and removed. It knows nothing of the web (no Leptos, no
//! axum) nor of users: the application passes in what it adds to a tenant.
//!
//! # The engine's promises
//!
//! * **One door to a tenant database.** Every connection to a tenant
//!   database comes from the [`registry::TenantRegistry`], leased for one
//!   request or one operator task. The web app leases a pool only for the
//!   tenant its `Host` names, after the [`directory`] says it may be served.
//! * **A server's budget is never exceeded**, whatever the number of
//!   tenants: each database server has a connection budget, pools reserve
//!   their connections from it before opening them, and a request that finds
//!   no room waits briefly, then gets [`registry::RegistryError::Busy`] (a
//!   503 for that tenant alone), never an error from PostgreSQL.
//! * **Idle tenants hold nothing**: a sweeper closes pools unused for the
//!   idle timeout, and busy tenants share a full server instead of taking
//!   turns.
//! * **A request costs no control-plane query**: the [`directory`] caches
//!   tenants in process, and every change is announced (`NOTIFY` on
//!   PostgreSQL) so that every instance forgets it within moments.
//! * **Sign-up is atomic from the user's view** ([`provision`]): every step
//!   is recorded on the tenant row, a failure removes what was made, and a
//!   crash is cleaned up later; a subdomain is never left unusable.
//! * **Every lifecycle change is audited** ([`lifecycle`], [`moves`],
//!   [`servers`], in the platform [`audit`] log) in the same transaction
//!   that makes it, and announced to every instance.
//! * **Migrations never stop the fleet** ([`migrate`]): tenants migrate a
//!   bounded number at a time, a failure is recorded on that tenant and the
//!   run goes on, and a tenant is served at its old schema while this build
//!   can serve it.
//! * **A move loses nothing** ([`moves`]): the source stays the truth until
//!   one control-plane transaction points the tenant at its copy.
//!
//! # Map
//!
//! * [`catalog`]: tenant records and statuses; [`lifecycle`]: suspend,
//!   activate, delete, purge.
//! * [`context`]: a request's tenant and its leased database.
//! * [`directory`]: the in-process cache of tenants (by subdomain and by
//!   verified [`domains`]), with `LISTEN`/`NOTIFY`.
//! * [`registry`]: database servers, budgets and per-tenant pools.
//! * [`databases`]: where a new database goes, templates, the warm pool.
//! * [`provision`]: the sign-up state machine; [`servers`]: adding and
//!   placing on database servers; [`moves`]; [`migrate`]: the fleet.
//! * [`audit`]: the platform audit log; [`entities`]: the engine's tables.
//! * [`db`]: connections and database facts; [`sync`]: lock helpers.

pub mod audit;
pub mod catalog;
pub mod context;
pub mod databases;
pub mod db;
pub mod directory;
pub mod domains;
pub mod entities;
pub mod lifecycle;
pub mod migrate;
pub mod moves;
pub mod provision;
pub mod registry;
pub mod servers;
pub mod subdomains;
pub mod sync;
