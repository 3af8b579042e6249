//! Tables of the control-plane database.

pub mod memberships;
pub mod one_time_tokens;
pub mod sessions;
pub mod tenants;
pub mod users;
