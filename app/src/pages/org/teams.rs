//! `/teams`, and the teams editor the onboarding wizard shares with it:
//! add, rename and remove teams, with and without JavaScript.

use crate::{
    api::teams::{get_teams, AddTeam, RemoveTeam, RenameTeam},
    components::{action_error, error_for, field_error, ErrorBanner, Field, FieldShell, Loaded},
    model::{auth::OrgShell, teams::TeamRow, AppError, Permission},
    pages::org::{onboarding::StepGate, OrgPage},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamsPage() -> impl IntoView {
    let data = TeamsData::load(None);
    view! {
        <Title text="Teams" />
        <OrgPage children=move |shell: OrgShell| view! {
            <h1>"Teams"</h1>
            <TeamsEditor may_manage=shell.may(Permission::ManageTeams) data />
        } />
    }
}

/// The teams and the actions that change them, made at the top of a page:
/// not inside the body of a boundary such as the shell's, which runs more
/// than once while the page renders on the server (a resource made there
/// is fetched each time).
#[derive(Clone, Copy)]
pub struct TeamsData {
    add: ServerAction<AddTeam>,
    rename: ServerAction<RenameTeam>,
    remove: ServerAction<RemoveTeam>,
    teams: Resource<Result<Vec<TeamRow>, AppError>>,
}

impl TeamsData {
    /// `gate`: in the onboarding wizard, fetch only on its teams step.
    pub fn load(gate: Option<StepGate>) -> Self {
        let add = ServerAction::<AddTeam>::new();
        let rename = ServerAction::<RenameTeam>::new();
        let remove = ServerAction::<RemoveTeam>::new();
        let teams = Resource::new_blocking(
            move || {
                (
                    StepGate::key(gate),
                    add.version().get(),
                    rename.version().get(),
                    remove.version().get(),
                )
            },
            move |_| async move {
                StepGate::admit(gate).await?;
                get_teams().await
            },
        );
        TeamsData {
            add,
            rename,
            remove,
            teams,
        }
    }
}

/// The teams with their repository counts; with `may_manage` (the server
/// checks again) the forms to add, rename and remove them.
#[component]
pub fn TeamsEditor(may_manage: bool, data: TeamsData) -> impl IntoView {
    let TeamsData {
        add,
        rename,
        remove,
        teams,
    } = data;
    let add_error = action_error(add);
    let rename_error = action_error(rename);
    // After a team is added the field empties, ready for the next one.
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let (Some(Ok(_)), Some(field)) = (add.value().get(), input.get()) {
            field.set_value("");
            let _ = field.focus();
        }
    });

    view! {
        <ErrorBanner error=action_error(remove) />
        <Loaded resource=teams let:teams>
            <TeamList teams may_manage rename remove error=rename_error />
        </Loaded>
        {may_manage.then(|| {
            let typed = add_error.get_untracked().and_then(|e| e.field_value("name"));
            view! {
                <ActionForm action=add attr:class="inline-form" attr:data-testid="add-team">
                    <ErrorBanner error=add_error />
                    <FieldShell id="new-team" name="name" label="New team" error=field_error(add_error, "name") described=true>
                        <input id="new-team" name="name" node_ref=input value=typed aria-describedby="new-team-error" />
                    </FieldShell>
                    <button type="submit" class="button" disabled=move || add.pending().get()>
                        {move || if add.pending().get() { "Adding…" } else { "Add team" }}
                    </button>
                </ActionForm>
            }
        })}
    }
}

/// The teams, or that there are none yet.
#[component]
fn TeamList(
    teams: Vec<TeamRow>,
    may_manage: bool,
    rename: ServerAction<RenameTeam>,
    remove: ServerAction<RemoveTeam>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    if teams.is_empty() {
        return view! { <p class="muted" data-testid="no-teams">"No teams yet."</p> }.into_any();
    }
    view! {
        <ul class="rows" data-testid="team-list">
            {teams.into_iter().map(|team| view! {
                <TeamItem team may_manage rename remove error />
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One team: its name and count, and (to those who may) rename and remove.
#[component]
fn TeamItem(
    team: TeamRow,
    may_manage: bool,
    rename: ServerAction<RenameTeam>,
    remove: ServerAction<RemoveTeam>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = team.id;
    // The rename error belongs to this row when it echoes this row's id.
    let mine = error_for(error, id);
    let typed = mine
        .get_untracked()
        .and_then(|e| e.field_value("name"))
        .unwrap_or_else(|| team.name.clone());
    let remove_label = format!("Remove {}", team.name);
    let repositories = format!("/repositories?team={id}");
    view! {
        <li data-testid="team">
            <span class="name" data-testid="team-name">{team.name.clone()}</span>
            " "
            <a class="muted" href=repositories>{format!("{} repositories", team.repository_count)}</a>
            {may_manage.then(|| view! {
                <details class="row-actions" open=mine.get_untracked().is_some()>
                    <summary>"Rename or remove"</summary>
                    <ActionForm action=rename attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <Field
                            label="Name"
                            name="name"
                            value=typed
                            error=field_error(mine, "name")
                        />
                        <button type="submit" class="button secondary">"Rename"</button>
                    </ActionForm>
                    <ActionForm action=remove attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button danger" data-testid="remove-team">
                            {remove_label}
                        </button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}
