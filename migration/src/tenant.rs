pub mod m20261122_000001_teams;
pub mod m20261122_000002_settings;
pub mod m20261123_000003_audit_log;
pub mod m20261125_000004_repositories;
pub mod m20261126_000005_api_tokens;
pub mod m20261207_000006_logo;
pub mod m20261208_000007_notifications;
