pub mod m20261122_000001_teams;
