//! Tables of a tenant database (one per organization).

pub mod api_tokens;
pub mod assignments;
pub mod audit_log;
pub mod labels;
pub mod logo;
pub mod manual_decisions;
pub mod mapping_rules;
pub mod notification_choices;
pub mod notification_defaults;
pub mod notification_tokens;
pub mod repositories;
pub mod repository_labels;
pub mod settings;
pub mod teams;
