//! `/repositories` (search, filters, sort, pages), and the parts other
//! pages share: the forms that link repositories (the onboarding wizard
//! has them too), the table, and a repository's teams with why.

use crate::{
    api::{
        repositories::{get_repositories, AddRepository, PasteRepositories},
        teams::get_teams,
    },
    components::{
        action_error, field_error, Alert, ErrorBanner, Field, FieldShell, Loading, PastedList,
    },
    model::{
        auth::OrgShell,
        mapping::Ownership,
        repositories::{RepositoryPage, RepositoryRow, Sort},
        teams::TeamRow,
        Permission,
    },
    pages::{org::OrgPage, query_string},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Adding repositories: one by name or address, or a pasted list. Lines
/// that could not be added come back with their reason, in the list field,
/// to fix and send again; the others are in.
#[component]
pub fn RepositoryAdder(
    add: ServerAction<AddRepository>,
    paste: ServerAction<PasteRepositories>,
) -> impl IntoView {
    let add_error = action_error(add);
    let paste_error = action_error(paste);
    let typed = add_error
        .get_untracked()
        .and_then(|e| e.field_value("name"));
    let added = Signal::derive(move || match paste.value().get() {
        Some(Ok(names)) => Some(format!("Added {} repositories.", names.len())),
        _ => None,
    });
    view! {
        <div class="adders">
            <ActionForm action=add attr:class="inline-form" attr:data-testid="add-repository">
                <ErrorBanner error=add_error />
                <Field
                    label="Add one repository"
                    name="name"
                    value=typed.unwrap_or_default()
                    hint="owner/name or its address, like https://github.com/acme/api"
                    error=field_error(add_error, "name")
                />
                <button type="submit" class="button" disabled=move || add.pending().get()>"Add"</button>
            </ActionForm>
            <ActionForm action=paste attr:data-testid="paste-repositories">
                <PastedList
                    id="field-list"
                    label="Or paste a list, one a line"
                    placeholder="https://github.com/acme/api\ngit@gitlab.com:acme/web.git\nacme/mobile"
                    error=paste_error
                    done=added
                    done_testid="pasted"
                />
                <button type="submit" class="button" disabled=move || paste.pending().get()>
                    {move || if paste.pending().get() { "Adding…" } else { "Add these repositories" }}
                </button>
            </ActionForm>
        </div>
    }
}

/// A repository's teams, each with why.
#[component]
pub fn TeamsWithReasons(teams: Vec<Ownership>) -> impl IntoView {
    if teams.is_empty() {
        return view! { <span class="unassigned" data-testid="unassigned">"No team"</span> }
            .into_any();
    }
    view! {
        <ul class="owners">
            {teams.into_iter().map(|team| {
                let why = team.why.iter().map(|w| w.describe()).collect::<Vec<_>>().join("; ");
                view! {
                    <li data-testid="owner">
                        <strong>{team.team_name}</strong>
                        " "
                        <span class="muted why">"(" {why} ")"</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A table of repositories with their labels and teams; rows without a
/// team are marked.
#[component]
pub fn RepositoryTable(rows: Vec<RepositoryRow>) -> impl IntoView {
    view! {
        <table class="repositories" data-testid="repository-table">
            <thead><tr><th>"Repository"</th><th>"Labels"</th><th>"Teams"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let href = format!("/repositories/{}", row.id);
                    let unassigned = row.teams.is_empty();
                    view! {
                        <tr class:unassigned-row=unassigned data-testid="repository-row" data-name=row.name.clone()>
                            <td><a href=href>{row.name.clone()}</a></td>
                            <td>{row.labels.join(", ")}</td>
                            <td><TeamsWithReasons teams=row.teams /></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/repositories`: the filters are a GET form, so they live in the address
/// and work without JavaScript.
#[component]
pub fn RepositoriesPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key).unwrap_or_default());
    let add = ServerAction::<AddRepository>::new();
    let paste = ServerAction::<PasteRepositories>::new();
    let page = Resource::new_blocking(
        move || {
            (
                [
                    param("q"),
                    param("team"),
                    param("label"),
                    param("unassigned"),
                    param("sort"),
                    param("page"),
                ],
                add.version().get(),
                paste.version().get(),
            )
        },
        |([q, team, label, unassigned, sort, page], _, _)| {
            get_repositories(q, team, label, unassigned, sort, page)
        },
    );
    let teams = Resource::new_blocking(|| (), |_| get_teams());
    view! {
        <Title text="Repositories" />
        <OrgPage children=move |shell: OrgShell| view! {
            <h1>"Repositories"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    // The filters are shown whatever the answer, with
                    // what the address asks for.
                    let teams = teams.await.unwrap_or_default();
                    let result = page.await;
                    let filter = [param("q"), param("team"), param("label"), param("unassigned"), param("sort")];
                    let body = match result {
                        Ok(page) => view! { <Results page filter=filter.clone() /> }.into_any(),
                        Err(e) => view! { <Alert>{e.to_string()}</Alert> }.into_any(),
                    };
                    view! { <Filters teams filter /> {body} }
                })}
            </Suspense>
            {shell.may(Permission::ManageRepositories).then(|| view! {
                <h2>"Link repositories"</h2>
                <RepositoryAdder add paste />
            })}
        } />
    }
}

/// The filter form, filled with `filter`: the address's `q`, `team`,
/// `label`, `unassigned` and `sort`.
#[component]
fn Filters(teams: Vec<TeamRow>, filter: [String; 5]) -> impl IntoView {
    let [q, team, label, unassigned, sort] = filter;
    view! {
        <form method="get" action="/repositories" class="filters" data-testid="repository-filters">
            <FieldShell id="q" name="q" label="Name contains">
                <input id="q" name="q" value=q />
            </FieldShell>
            <FieldShell id="team" name="team" label="Team">
                <select id="team" name="team">
                    <option value="">"Any team"</option>
                    {teams.into_iter().map(|t| {
                        let selected = team == t.id.to_string();
                        view! { <option value=t.id selected=selected>{t.name}</option> }
                    }).collect_view()}
                </select>
            </FieldShell>
            <FieldShell id="label" name="label" label="Label">
                <input id="label" name="label" value=label />
            </FieldShell>
            <FieldShell id="sort" name="sort" label="Sort">
                <select id="sort" name="sort">
                    {Sort::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=sort == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </FieldShell>
            <label class="check">
                <input type="checkbox" name="unassigned" value="1" checked=unassigned == "1" />
                " Only without a team"
            </label>
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
    }
}

/// The page of repositories that match, with links to the pages before and
/// after it under the same `filter`.
#[component]
fn Results(page: RepositoryPage, filter: [String; 5]) -> impl IntoView {
    let [q, team, label, unassigned, sort] = filter;
    let link_to = move |page: u64| {
        format!(
            "/repositories{}",
            query_string(&[
                ("q", &q),
                ("team", &team),
                ("label", &label),
                ("unassigned", &unassigned),
                ("sort", &sort),
                ("page", &page.to_string()),
            ])
        )
    };
    let previous = (page.page > 1).then(|| link_to(page.page - 1));
    let next = (page.page < page.pages).then(|| link_to(page.page + 1));
    view! {
        <p class="muted" data-testid="repository-summary">
            {format!("{} of {} repositories; {} without a team.", page.total, page.all, page.unassigned)}
        </p>
        {if page.rows.is_empty() {
            view! { <p class="muted" data-testid="no-repositories">"No repositories match."</p> }.into_any()
        } else {
            view! { <RepositoryTable rows=page.rows /> }.into_any()
        }}
        <nav class="pages">
            {previous.map(|href| view! { <a href=href rel="prev">"← Previous"</a> })}
            <span>{format!("Page {} of {}", page.page, page.pages)}</span>
            {next.map(|href| view! { <a href=href rel="next">"Next →"</a> })}
        </nav>
    }
}
