pub mod m20261122_000001_control_plane;
pub mod m20261122_000002_tenancy_engine;
pub mod m20261123_000003_sign_in;
