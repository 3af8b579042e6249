pub mod m20261122_000001_teams;
pub mod m20261122_000002_settings;
pub mod m20261123_000003_audit_log;
