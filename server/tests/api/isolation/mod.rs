//! Tenant B's session must get nothing from tenant A: not its page, not its
//! server functions, even when B's cookie is replayed on A's host.

mod catalog;
mod members;
mod sessions;
