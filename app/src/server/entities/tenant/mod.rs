//! Tables of a tenant database (one per organization).

pub mod teams;
