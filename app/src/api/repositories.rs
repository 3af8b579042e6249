//! Repositories: the list, one repository, adding (one or a pasted list),
//! renaming, unlinking, labels and decisions made by hand.

use crate::model::{
    repositories::{RepositoryDetail, RepositoryPage, RepositoryRow},
    AppError,
};
use leptos::prelude::*;

/// One page of the repositories matching the filters (empty: any).
/// `team` is a team id, `unassigned` is `1` for only those without a team,
/// `sort` one of `name`, `-name`, `newest`, `oldest`.
#[server(endpoint = "repositories")]
pub async fn get_repositories(
    q: String,
    team: String,
    label: String,
    unassigned: String,
    sort: String,
    page: String,
) -> Result<RepositoryPage, AppError> {
    use crate::model::{
        mapping::check_label,
        repositories::{check_search, RepositoryQuery, Sort},
        teams::parse_id,
        AppError, Permission,
    };
    use crate::server::{error::tenant_db, org::repositories, web::context};
    let access = context::require(Permission::ViewOrganization).await?;
    // What PostgreSQL would refuse (a NUL) is a field error, not a 500.
    check_search(&q)?;
    if !label.trim().is_empty() {
        check_label(label.trim()).map_err(|message| AppError::field("label", message))?;
    }
    let query = RepositoryQuery {
        q,
        team_id: parse_id(&team),
        label,
        unassigned: matches!(unassigned.as_str(), "1" | "true" | "on"),
        sort: Sort::parse(&sort).unwrap_or_default(),
        page: page.trim().parse().unwrap_or(1),
        per_page: 0,
    };
    repositories::list(&access.ctx.db, &query)
        .await
        .map_err(tenant_db)
}

/// The repository `id`: its teams and why.
#[server(endpoint = "repository")]
pub async fn get_repository(id: i64) -> Result<RepositoryDetail, AppError> {
    use crate::model::Permission;
    use crate::server::{org::repositories, web::context};
    let access = context::require(Permission::ViewOrganization).await?;
    repositories::detail(&access.ctx.db, id).await
}

/// Links one repository, by `owner/name` or by its address.
#[server(endpoint = "add_repository")]
pub async fn add_repository(name: String) -> Result<RepositoryRow, AppError> {
    use crate::model::Permission;
    use crate::server::{org::repositories, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    let cap = access.cap(crate::model::plans::Resource::Repositories);
    repositories::add_one(&access.ctx.db, &access.actor(), &name, &cap).await
}

/// Links every repository of a pasted list, one a line. The valid lines
/// are added even when others are not; those come back as field errors
/// `line:N`, and the `list` field keeps only them.
#[server(endpoint = "paste_repositories")]
pub async fn paste_repositories(list: String) -> Result<Vec<String>, AppError> {
    use crate::model::Permission;
    use crate::server::{org::repositories, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    let cap = access.cap(crate::model::plans::Resource::Repositories);
    repositories::add_list(&access.ctx.db, &access.actor(), &list, &cap)
        .await?
        .into_result()
}

#[server(endpoint = "rename_repository")]
pub async fn rename_repository(id: i64, name: String) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::repositories, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    repositories::rename(&access.ctx.db, &access.actor(), id, &name)
        .await
        .map_err(|e| e.echoing("id", id))
}

/// Unlinks the repository `id` and goes back to the list.
#[server(endpoint = "remove_repository")]
pub async fn remove_repository(id: i64) -> Result<(), AppError> {
    use crate::model::Permission;
    use crate::server::{org::repositories, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    repositories::remove(&access.ctx.db, &access.actor(), id).await?;
    leptos_axum::redirect("/repositories");
    Ok(())
}

/// Gives the repository `id` exactly the comma-separated `labels`.
#[server(endpoint = "set_repository_labels")]
pub async fn set_repository_labels(id: i64, labels: String) -> Result<Vec<String>, AppError> {
    use crate::model::Permission;
    use crate::server::{org::repositories, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    repositories::set_labels(&access.ctx.db, &access.actor(), id, &labels)
        .await
        .map_err(|e| e.echoing("id", id))
}

/// `decision` is `assign` (the repository belongs to the team whatever the
/// rules say), `exclude` (it never does) or `rules` (the rules decide).
#[server(endpoint = "decide_repository")]
pub async fn decide_repository(id: i64, team_id: String, decision: String) -> Result<(), AppError> {
    use crate::model::{mapping::Decision, teams::parse_id, Permission};
    use crate::server::{org::repositories, web::context};
    let access = context::require(Permission::ManageRepositories).await?;
    let team_id =
        parse_id(&team_id).ok_or_else(|| AppError::field("team_id", "Choose one of the teams."))?;
    let decision = match decision.as_str() {
        "rules" => None,
        other => Some(
            Decision::parse(other)
                .ok_or_else(|| AppError::field("decision", "Choose assign, exclude or rules."))?,
        ),
    };
    repositories::decide(&access.ctx.db, &access.actor(), id, team_id, decision).await
}
