//! `/repositories/:id`: one repository's teams and why, its labels, and
//! the decisions made by hand; to those who may, the forms that change
//! them, rename it or unlink it.

use crate::{
    api::repositories::{
        get_repository, DecideRepository, RemoveRepository, RenameRepository, SetRepositoryLabels,
    },
    components::{action_error, field_error, ErrorBanner, Field, Loaded},
    model::{
        auth::OrgShell,
        mapping::{Decision, ManualDecision},
        repositories::{RepositoryDetail, RepositoryRow},
        AppError, Permission,
    },
    pages::org::{repositories::TeamsWithReasons, OrgPage},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The forms of the repository page, which outlive a reload of it.
#[derive(Clone, Copy)]
struct Actions {
    labels: ServerAction<SetRepositoryLabels>,
    decide: ServerAction<DecideRepository>,
    rename: ServerAction<RenameRepository>,
    remove: ServerAction<RemoveRepository>,
}

#[component]
pub fn RepositoryPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    };
    let actions = Actions {
        labels: ServerAction::new(),
        decide: ServerAction::new(),
        rename: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let detail = Resource::new_blocking(
        move || {
            (
                id(),
                actions.labels.version().get(),
                actions.decide.version().get(),
                actions.rename.version().get(),
            )
        },
        |(id, ..)| get_repository(id),
    );
    let not_found = |e: &AppError| {
        matches!(e, AppError::NotFound).then(|| {
            view! {
                <h1>"Repository not found"</h1>
                <p>"It may have been unlinked."</p>
            }
            .into_any()
        })
    };
    view! {
        <Title text="Repository" />
        <OrgPage children=move |shell: OrgShell| {
            let may_manage = shell.may(Permission::ManageRepositories);
            view! {
                <p><a href="/repositories">"← Repositories"</a></p>
                <Loaded resource=detail explain=not_found children=move |detail: RepositoryDetail| {
                    if may_manage {
                        view! { <RepositoryEditor detail actions /> }.into_any()
                    } else {
                        view! { <RepositoryReader detail /> }.into_any()
                    }
                } />
            }
        } />
    }
}

/// The decision made by hand for `team_id`, if any.
fn decision_of(decisions: &[ManualDecision], team_id: i64) -> Option<Decision> {
    decisions
        .iter()
        .find(|d| d.team_id == team_id)
        .map(|d| d.decision)
}

/// The top of the page, the same for readers and editors: the name, the
/// address, the teams with why, and the labels' heading.
#[component]
fn Header(repo: RepositoryRow) -> impl IntoView {
    view! {
        <Title text=repo.name.clone() />
        <h1 data-testid="repository-name">{repo.name.clone()}</h1>
        {repo.url.clone().map(|url| view! { <p class="muted">{url}</p> })}
        <h2>"Teams"</h2>
        <TeamsWithReasons teams=repo.teams />
        <h2>"Labels"</h2>
    }
}

/// For readers: what the forms would edit, as text.
#[component]
fn RepositoryReader(detail: RepositoryDetail) -> impl IntoView {
    let repo = detail.repository;
    let excluded: Vec<String> = detail
        .all_teams
        .iter()
        .filter(|team| decision_of(&detail.decisions, team.id) == Some(Decision::Exclude))
        .map(|team| team.name.clone())
        .collect();
    let labels = if repo.labels.is_empty() {
        "No labels.".to_string()
    } else {
        repo.labels.join(", ")
    };
    view! {
        <Header repo />
        <p data-testid="labels">{labels}</p>
        {(!excluded.is_empty()).then(|| view! {
            <h2>"Excluded by hand"</h2>
            <p data-testid="excluded">{excluded.join(", ")}</p>
        })}
    }
}

/// For those who may change it: the labels, a decision for each team,
/// renaming and unlinking. What was typed comes back after a refusal.
#[component]
fn RepositoryEditor(detail: RepositoryDetail, actions: Actions) -> impl IntoView {
    let Actions {
        labels,
        decide,
        rename,
        remove,
    } = actions;
    let labels_error = action_error(labels);
    let rename_error = action_error(rename);
    let repo = detail.repository;
    let id = repo.id;
    let typed_labels = labels_error
        .get_untracked()
        .and_then(|e| e.field_value("labels"))
        .unwrap_or_else(|| repo.labels.join(", "));
    let typed_name = rename_error
        .get_untracked()
        .and_then(|e| e.field_value("name"))
        .unwrap_or_else(|| repo.name.clone());
    let decisions = detail.decisions;
    view! {
        <Header repo />
        <ActionForm action=labels attr:class="inline-form" attr:data-testid="labels-form">
            <input type="hidden" name="id" value=id />
            <Field
                label="Labels, separated by commas"
                name="labels"
                value=typed_labels
                error=field_error(labels_error, "labels")
            />
            <button type="submit" class="button secondary">"Save labels"</button>
        </ActionForm>
        <h2>"Decide by hand"</h2>
        <p class="muted">"A decision by hand beats the rules: assign puts the repository in the team, exclude keeps it out."</p>
        <ErrorBanner error=action_error(decide) />
        <table class="decisions">
            <tbody>
                {detail.all_teams.into_iter().map(|team| {
                    let current = decision_of(&decisions, team.id);
                    view! {
                        <tr data-testid="decision-row">
                            <td>{team.name}</td>
                            <td>
                                <ActionForm action=decide attr:class="inline-form">
                                    <input type="hidden" name="id" value=id />
                                    <input type="hidden" name="team_id" value=team.id />
                                    <select name="decision" aria-label="Decision">
                                        <option value="rules" selected=current.is_none()>"Rules decide"</option>
                                        <option value="assign" selected=current == Some(Decision::Assign)>"Assign"</option>
                                        <option value="exclude" selected=current == Some(Decision::Exclude)>"Exclude"</option>
                                    </select>
                                    <button type="submit" class="button secondary">"Save"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <h2>"Rename or unlink"</h2>
        <ActionForm action=rename attr:class="inline-form">
            <input type="hidden" name="id" value=id />
            <Field
                label="Name"
                name="name"
                value=typed_name
                error=field_error(rename_error, "name")
            />
            <button type="submit" class="button secondary">"Rename"</button>
        </ActionForm>
        <ErrorBanner error=action_error(remove) />
        <ActionForm action=remove attr:class="inline-form">
            <input type="hidden" name="id" value=id />
            <button type="submit" class="button danger" data-testid="remove-repository">"Unlink this repository"</button>
        </ActionForm>
    }
}
