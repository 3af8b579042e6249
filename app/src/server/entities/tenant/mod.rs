//! Tables of a tenant database (one per organization).

pub mod audit_log;
pub mod settings;
pub mod teams;
