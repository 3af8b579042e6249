//! Services: async functions that take a connection first and hold all the
//! queries. Server functions and handlers stay thin adapters over them.

pub mod audit;
pub mod auth;
pub mod invitations;
pub mod members;
pub mod moves;
pub mod platform_audit;
pub mod recovery;
pub mod servers;
pub mod signup;
pub mod teams;
pub mod tenants;
pub mod verification;
