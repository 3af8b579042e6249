//! The operator's plans (`TENANTRY_PLANS`, a TOML file of `[[plan]]`
//! tables; README, "Plans"), or the built-in ones, with the default plan
//! (`TENANTRY_DEFAULT_PLAN`). A bad file stops start-up with a message that
//! names the variable.

use anyhow::Context;
use app::model::plans::{self, Plan, PlanLimits, Plans};
use std::path::Path;

/// The plans of the file at `path` (the built-in ones without one), with
/// `default` for organizations that have none of their own.
pub fn load(path: Option<&Path>, default: &str) -> anyhow::Result<Plans> {
    let all = match path {
        None => plans::builtin(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("TENANTRY_PLANS={}: cannot read it", path.display()))?;
            parse_plans(&text).with_context(|| format!("TENANTRY_PLANS={}", path.display()))?
        }
    };
    Plans::new(all, default)
        .map_err(|e| anyhow::anyhow!("TENANTRY_PLANS / TENANTRY_DEFAULT_PLAN={default}: {e}"))
}

/// Plans in the file format of `TENANTRY_PLANS`.
fn parse_plans(text: &str) -> anyhow::Result<Vec<Plan>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        plan: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        name: String,
        label: Option<String>,
        members: u64,
        repositories: u64,
        teams: u64,
        rules: u64,
        api_tokens: u64,
    }
    let file: File = toml::from_str(text).context("not a plans file")?;
    Ok(file
        .plan
        .into_iter()
        .map(|e| Plan {
            label: e.label.unwrap_or_else(|| e.name.clone()),
            name: e.name,
            limits: PlanLimits {
                members: e.members,
                repositories: e.repositories,
                teams: e.teams,
                rules: e.rules,
                api_tokens: e.api_tokens,
            },
        })
        .collect())
}
