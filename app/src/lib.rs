//! Tenantry's application: pages, components, server functions and DTOs,
//! shared by the server (feature `ssr`) and the browser (feature `hydrate`).
//! Everything that only runs on the server lives under [`server`].

pub mod api;
pub mod components;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

pub use pages::{shell, App};
