//! Tables of the control-plane database.

pub mod database_servers;
pub mod invitations;
pub mod memberships;
pub mod one_time_tokens;
pub mod outbox;
pub mod platform_audit;
pub mod sessions;
pub mod tenants;
pub mod users;
pub mod warm_databases;
