//! `/teams`, and the teams editor the onboarding wizard shares with it:
//! add, rename and remove teams, with and without JavaScript.

use crate::{
    api::teams::{get_teams, AddTeam, RemoveTeam, RenameTeam},
    components::{ErrorBanner, Field, Granted},
    model::{teams::TeamRow, AppError, Permission},
    pages::org::mapping::error_for,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamsPage() -> impl IntoView {
    view! {
        <Title text="Teams" />
        <main class="card wide">
            <p><a href="/">"← Back"</a></p>
            <h1>"Teams"</h1>
            <Granted permission=Permission::ManageTeams children=|may_manage| view! { <TeamsEditor may_manage /> } />
        </main>
    }
}

/// The teams with their repository counts; with `may_manage` (the server
/// checks again) the forms to add, rename and remove them.
#[component]
pub fn TeamsEditor(may_manage: bool) -> impl IntoView {
    let add = ServerAction::<AddTeam>::new();
    let rename = ServerAction::<RenameTeam>::new();
    let remove = ServerAction::<RemoveTeam>::new();
    let teams = Resource::new_blocking(
        move || {
            (
                add.version().get(),
                rename.version().get(),
                remove.version().get(),
            )
        },
        |_| get_teams(),
    );
    let add_error = Signal::derive(move || add.value().get().and_then(Result::err));
    let rename_error = Signal::derive(move || rename.value().get().and_then(Result::err));
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    // After a team is added the field empties, ready for the next one.
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let (Some(Ok(_)), Some(field)) = (add.value().get(), input.get()) {
            field.set_value("");
            let _ = field.focus();
        }
    });

    view! {
        <ErrorBanner error=remove_error />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match teams.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted" data-testid="no-teams">"No teams yet."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="rows" data-testid="team-list">
                            {list.into_iter().map(|team| view! {
                                <TeamItem team may_manage rename remove error=rename_error />
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        {may_manage.then(|| {
            let typed = add_error.get_untracked().and_then(|e| e.field_value("name"));
            view! {
                <ActionForm action=add attr:class="inline-form" attr:data-testid="add-team">
                    <ErrorBanner error=add_error />
                    <div class="field" class:has-error=move || add_error.get().and_then(|e| e.field_error("name")).is_some()>
                        <label for="new-team">"New team"</label>
                        <input id="new-team" name="name" node_ref=input value=typed aria-describedby="new-team-error" />
                        <p class="field-error" id="new-team-error" role="alert" data-field="name">
                            {move || add_error.get().and_then(|e| e.field_error("name"))}
                        </p>
                    </div>
                    <button type="submit" class="button" disabled=move || add.pending().get()>
                        {move || if add.pending().get() { "Adding…" } else { "Add team" }}
                    </button>
                </ActionForm>
            }
        })}
    }
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
                            error=Signal::derive(move || mine.get().and_then(|e| e.field_error("name")))
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
