//! Tables of a tenant database (one per organization).

pub mod settings;
pub mod teams;
