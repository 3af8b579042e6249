//! Teams, repositories, labels, mapping rules and manual decisions through
//! their server functions, on both backends: pasted lists, the stored
//! assignments and their reasons as inputs change, validation at the field,
//! the repository list's filters, and the onboarding wizard's progress.

mod mapping;
mod onboarding;
mod pages;
mod repositories;

use crate::helpers::Org;
use app::model::mapping::Why;
use app::model::repositories::{RepositoryDetail, RepositoryPage};

/// The catalog's calls, on the helpers' [`Org`].
impl Org {
    async fn team(&mut self, name: &str) -> i64 {
        let team: app::model::teams::Team = self.ok("add_team", &[("name", name)]).await;
        team.id
    }

    async fn repositories(&mut self, filters: &[(&str, &str)]) -> RepositoryPage {
        let mut fields = vec![
            ("q", ""),
            ("team", ""),
            ("label", ""),
            ("unassigned", ""),
            ("sort", ""),
            ("page", ""),
        ];
        for (key, value) in filters {
            fields.retain(|(k, _)| k != key);
            fields.push((key, value));
        }
        self.ok("repositories", &fields).await
    }

    async fn repository_id(&mut self, name: &str) -> i64 {
        let page = self.repositories(&[("q", name)]).await;
        page.rows
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name} not in {page:?}"))
            .id
    }

    /// The teams of `name`, as `team: reasons` lines, sorted.
    async fn teams_of(&mut self, name: &str) -> Vec<String> {
        let id = self.repository_id(name).await.to_string();
        let detail: RepositoryDetail = self.ok("repository", &[("id", &id)]).await;
        detail
            .repository
            .teams
            .iter()
            .map(|t| {
                let why: Vec<String> = t.why.iter().map(Why::describe).collect();
                format!("{}: {}", t.team_name, why.join("; "))
            })
            .collect()
    }
}
