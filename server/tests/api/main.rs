//! Integration tests: one binary, each test on its own server (port 0) with
//! its own control database and tenant databases, on SQLite and PostgreSQL.

mod audit;
mod auth;
mod authority_cache;
mod budgets;
mod catalog;
mod dashboard;
mod domains;
mod failure_isolation;
mod fairness;
mod faults;
mod handoff;
mod headers;
mod health;
mod helpers;
mod home_page;
mod host_routing;
mod http;
mod invitations;
mod isolation;
mod lifecycle;
mod logo;
mod mail;
mod members;
mod migrate;
mod moves;
mod notifications;
mod permissions;
#[path = "../support/pg_cluster.rs"]
mod pg_cluster;
mod plans;
mod provisioning;
mod quotas;
mod recovery;
mod registry;
mod rest;
mod route_list;
mod secrets;
mod settings;
mod shell;
mod signup;
mod smtp_sink;
mod subdomain;
mod teams;
mod tenant_cache;
