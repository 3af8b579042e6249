//! The engine's tables in the control-plane database, in the shape
//! `sea-orm-cli generate entity` writes them. Behaviour lives in the modules
//! beside this one, not here.

pub mod custom_domains;
pub mod database_servers;
pub mod former_subdomains;
pub mod platform_audit;
pub mod tenants;
pub mod warm_databases;
