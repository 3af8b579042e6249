//! Labels and mapping rules, and the live preview of a pattern.

use crate::model::{
    mapping::{Label, Preview, RulesPage},
    AppError,
};
use leptos::prelude::*;

/// Every label, with how many repositories carry it.
#[server(endpoint = "labels")]
pub async fn get_labels() -> Result<Vec<Label>, AppError> {
    use crate::model::Permission;
    use crate::server::{error::tenant_db, org::labels, web::context};
    let access = context::require(Permission::ViewOrganization).await?;
    labels::list(&access.ctx.db).await.map_err(tenant_db)
}

#[server(endpoint = "add_label")]
pub async fn add_label(name: String) -> Result<Label, AppError> {
    use crate::model::Permission;
    use crate::server::{org::labels, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    labels::add(&access.ctx.db, &access.actor(), &name).await
}

#[server(endpoint = "rename_label")]
pub async fn rename_label(id: i64, name: String) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::labels, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    labels::rename(&access.ctx.db, &access.actor(), id, &name)
        .await
        .map_err(|e| e.echoing("id", id))
}

/// Removes the label `id` from every repository, with its rules.
#[server(endpoint = "remove_label")]
pub async fn remove_label(id: i64) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::labels, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    labels::remove(&access.ctx.db, &access.actor(), id).await
}

/// The rules, with the teams and labels a rule can name.
#[server(endpoint = "rules")]
pub async fn get_rules() -> Result<RulesPage, AppError> {
    use crate::model::Permission;
    use crate::server::{
        error::tenant_db,
        org::{labels, rules, teams},
        web::context,
    };
    let access = context::require(Permission::ViewOrganization).await?;
    let db = &access.ctx.db;
    Ok(RulesPage {
        rules: rules::list(db).await.map_err(tenant_db)?,
        teams: teams::list(db).await.map_err(tenant_db)?,
        labels: labels::list(db).await.map_err(tenant_db)?,
    })
}

/// Adds a rule: the repositories whose name matches `pattern` belong to
/// the team `team_id`.
#[server(endpoint = "add_pattern_rule")]
pub async fn add_pattern_rule(team_id: String, pattern: String) -> Result<i64, AppError> {
    use crate::model::{teams::parse_id, Permission};
    use crate::server::{
        org::rules::{self, RuleInput},
        web::context,
    };
    let access = context::require(Permission::ManageRepositories).await?;
    let input = RuleInput::Pattern(pattern);
    let cap = access.cap(crate::model::plans::Resource::Rules);
    rules::add(
        &access.ctx.db,
        &access.actor(),
        parse_id(&team_id),
        input,
        &cap,
    )
    .await
}

/// Adds a rule: the repositories carrying `label` belong to the team
/// `team_id`. A label the organization does not have yet is created.
#[server(endpoint = "add_label_rule")]
pub async fn add_label_rule(team_id: String, label: String) -> Result<i64, AppError> {
    use crate::model::{teams::parse_id, Permission};
    use crate::server::{
        org::rules::{self, RuleInput},
        web::context,
    };
    let access = context::require(Permission::ManageRepositories).await?;
    let input = RuleInput::Label(label);
    let cap = access.cap(crate::model::plans::Resource::Rules);
    rules::add(
        &access.ctx.db,
        &access.actor(),
        parse_id(&team_id),
        input,
        &cap,
    )
    .await
}

/// Changes the rule `id`: exactly one of `pattern` and `label` is set, and
/// says which kind of rule it becomes.
#[server(endpoint = "update_rule")]
pub async fn update_rule(
    id: i64,
    team_id: String,
    #[server(default)] pattern: Option<String>,
    #[server(default)] label: Option<String>,
) -> Result<(), AppError> {
    use crate::model::{teams::parse_id, Permission};
    use crate::server::{
        org::rules::{self, RuleInput},
        web::context,
    };
    let access = context::require(Permission::ManageRepositories).await?;
    let input = RuleInput::from_parts(pattern, label)
        .ok_or_else(|| AppError::field("form", RuleInput::NEITHER_OR_BOTH))?;
    rules::update(
        &access.ctx.db,
        &access.actor(),
        id,
        parse_id(&team_id),
        input,
    )
    .await
    .map_err(|e| e.echoing("id", id))
}

#[server(endpoint = "remove_rule")]
pub async fn remove_rule(id: i64) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::rules, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    rules::remove(&access.ctx.db, &access.actor(), id).await
}

/// Which repositories `pattern` matches, while it is typed.
#[server(endpoint = "preview_pattern")]
pub async fn preview_pattern(pattern: String) -> Result<Preview, AppError> {
    use crate::model::Permission;
    use crate::server::{error::tenant_db, org::rules, web::context};
    let access = context::require(Permission::ViewOrganization).await?;
    rules::preview(&access.ctx.db, &pattern)
        .await
        .map_err(tenant_db)
}
