//! `/repositories` (search, filters, sort, pages), one repository's page
//! `/repositories/:id` (its teams and why, labels, decisions by hand), and
//! the forms that link repositories, shared with the onboarding wizard.

use crate::{
    api::{
        repositories::{
            get_repositories, get_repository, AddRepository, DecideRepository, PasteRepositories,
            RemoveRepository, RenameRepository, SetRepositoryLabels,
        },
        teams::get_teams,
    },
    components::{ErrorBanner, Field, Granted},
    model::{
        mapping::{Decision, Ownership},
        repositories::{RepositoryRow, Sort},
        AppError, Permission,
    },
    pages::query_string,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Adding repositories: one by name or address, or a pasted list. Lines
/// that could not be added come back with their reason, in the list field,
/// to fix and send again; the others are in.
#[component]
pub fn RepositoryAdder(
    add: ServerAction<AddRepository>,
    paste: ServerAction<PasteRepositories>,
) -> impl IntoView {
    let add_error = Signal::derive(move || add.value().get().and_then(Result::err));
    let paste_error = Signal::derive(move || paste.value().get().and_then(Result::err));
    let typed = add_error
        .get_untracked()
        .and_then(|e| e.field_value("name"));
    let kept = paste_error
        .get_untracked()
        .and_then(|e| e.field_value("list"));
    let added = move || match paste.value().get() {
        Some(Ok(names)) => Some(format!("Added {} repositories.", names.len())),
        _ => None,
    };
    let line_errors = move || match paste_error.get() {
        Some(AppError::Validation(fields)) => {
            let mut lines: Vec<(usize, String, String)> = fields
                .errors
                .iter()
                .filter_map(|(key, message)| {
                    let line = key.strip_prefix("line:")?.parse().ok()?;
                    let text = fields.value(key).unwrap_or_default().to_owned();
                    Some((line, text, message.clone()))
                })
                .collect();
            lines.sort();
            lines
        }
        _ => Vec::new(),
    };
    view! {
        <div class="adders">
            <ActionForm action=add attr:class="inline-form" attr:data-testid="add-repository">
                <ErrorBanner error=add_error />
                <Field
                    label="Add one repository"
                    name="name"
                    value=typed.unwrap_or_default()
                    hint="owner/name or its address, like https://github.com/acme/api"
                    error=Signal::derive(move || add_error.get().and_then(|e| e.field_error("name")))
                />
                <button type="submit" class="button" disabled=move || add.pending().get()>"Add"</button>
            </ActionForm>
            <ActionForm action=paste attr:data-testid="paste-repositories">
                <div class="field" class:has-error=move || paste_error.get().is_some()>
                    <label for="field-list">"Or paste a list, one a line"</label>
                    <textarea id="field-list" name="list" rows="6" aria-describedby="field-list-error"
                        placeholder="https://github.com/acme/api\ngit@gitlab.com:acme/web.git\nacme/mobile">
                        {kept.unwrap_or_default()}
                    </textarea>
                    <p class="field-error" id="field-list-error" role="alert" data-field="list">
                        {move || paste_error.get().and_then(|e| e.field_error("list").or_else(|| match e {
                            AppError::Validation(_) => None,
                            other => Some(other.to_string()),
                        }))}
                    </p>
                    <ul class="line-errors" data-testid="line-errors">
                        {move || line_errors().into_iter().map(|(line, text, message)| view! {
                            <li><strong>{format!("Line {line}")}</strong>" "<code>{text}</code>": "{message}</li>
                        }).collect_view()}
                    </ul>
                    <p class="muted" role="status" data-testid="pasted">{added}</p>
                </div>
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
        <main class="card wide">
            <p><a href="/">"← Back"</a></p>
            <h1>"Repositories"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let teams = teams.await.unwrap_or_default();
                    let result = page.await;
                    let [q, team, label, unassigned, sort] =
                        [param("q"), param("team"), param("label"), param("unassigned"), param("sort")];
                    let link_to = move |page: u64| format!(
                        "/repositories{}",
                        query_string(&[
                            ("q", &q), ("team", &team), ("label", &label),
                            ("unassigned", &unassigned), ("sort", &sort), ("page", &page.to_string()),
                        ])
                    );
                    let filters = view! {
                        <form method="get" action="/repositories" class="filters" data-testid="repository-filters">
                            <div class="field">
                                <label for="q">"Name contains"</label>
                                <input id="q" name="q" value=param("q") />
                            </div>
                            <div class="field">
                                <label for="team">"Team"</label>
                                <select id="team" name="team">
                                    <option value="">"Any team"</option>
                                    {teams.into_iter().map(|t| {
                                        let selected = param("team") == t.id.to_string();
                                        view! { <option value=t.id selected=selected>{t.name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="label">"Label"</label>
                                <input id="label" name="label" value=param("label") />
                            </div>
                            <div class="field">
                                <label for="sort">"Sort"</label>
                                <select id="sort" name="sort">
                                    {Sort::ALL.into_iter().map(|s| view! {
                                        <option value=s.as_str() selected=param("sort") == s.as_str()>{s.label()}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <label class="check">
                                <input type="checkbox" name="unassigned" value="1" checked=param("unassigned") == "1" />
                                " Only without a team"
                            </label>
                            <button type="submit" class="button secondary">"Filter"</button>
                        </form>
                    };
                    let body = match result {
                        Ok(page) => {
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
                            }.into_any()
                        }
                        Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                    };
                    view! { {filters} {body} }
                })}
            </Suspense>
            <Granted permission=Permission::ManageRepositories children=move |may_manage| may_manage.then(|| view! {
                <h2>"Link repositories"</h2>
                <RepositoryAdder add paste />
            }) />
        </main>
    }
}

/// `/repositories/:id`: the repository's teams and why, its labels, and the
/// decisions made by hand.
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
    let labels = ServerAction::<SetRepositoryLabels>::new();
    let decide = ServerAction::<DecideRepository>::new();
    let rename = ServerAction::<RenameRepository>::new();
    let remove = ServerAction::<RemoveRepository>::new();
    let detail = Resource::new_blocking(
        move || {
            (
                id(),
                labels.version().get(),
                decide.version().get(),
                rename.version().get(),
            )
        },
        |(id, ..)| get_repository(id),
    );
    let labels_error = Signal::derive(move || labels.value().get().and_then(Result::err));
    let decide_error = Signal::derive(move || decide.value().get().and_then(Result::err));
    let rename_error = Signal::derive(move || rename.value().get().and_then(Result::err));
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    view! {
        <Title text="Repository" />
        <main class="card wide">
            <p><a href="/repositories">"← Repositories"</a></p>
            <Granted permission=Permission::ManageRepositories children=move |may_manage| view! {
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let detail = match detail.await {
                            Ok(detail) => detail,
                            Err(AppError::NotFound) => return view! {
                                <h1>"Repository not found"</h1>
                                <p>"It may have been unlinked."</p>
                            }.into_any(),
                            Err(e) => return view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                        };
                        let repo = detail.repository;
                        let id = repo.id;
                        let typed_labels = labels_error.get_untracked()
                            .and_then(|e| e.field_value("labels"))
                            .unwrap_or_else(|| repo.labels.join(", "));
                        let typed_name = rename_error.get_untracked()
                            .and_then(|e| e.field_value("name"))
                            .unwrap_or_else(|| repo.name.clone());
                        let decision_of = move |team_id: i64| detail.decisions.iter()
                            .find(|d| d.team_id == team_id)
                            .map(|d| d.decision);
                        let header = view! {
                            <Title text=repo.name.clone() />
                            <h1 data-testid="repository-name">{repo.name.clone()}</h1>
                            {repo.url.clone().map(|url| view! { <p class="muted">{url}</p> })}
                            <h2>"Teams"</h2>
                            <TeamsWithReasons teams=repo.teams />
                            <h2>"Labels"</h2>
                        };
                        if !may_manage {
                            // Readers see what the forms would edit, as text.
                            let excluded: Vec<String> = detail.all_teams.iter()
                                .filter(|team| decision_of(team.id) == Some(Decision::Exclude))
                                .map(|team| team.name.clone())
                                .collect();
                            return view! {
                                {header}
                                <p data-testid="labels">{if repo.labels.is_empty() {
                                    "No labels.".to_string()
                                } else {
                                    repo.labels.join(", ")
                                }}</p>
                                {(!excluded.is_empty()).then(|| view! {
                                    <h2>"Excluded by hand"</h2>
                                    <p data-testid="excluded">{excluded.join(", ")}</p>
                                })}
                            }.into_any();
                        }
                        view! {
                            {header}
                            <ActionForm action=labels attr:class="inline-form" attr:data-testid="labels-form">
                                <input type="hidden" name="id" value=id />
                                <Field
                                    label="Labels, separated by commas"
                                    name="labels"
                                    value=typed_labels
                                    error=Signal::derive(move || labels_error.get().and_then(|e| e.field_error("labels")))
                                />
                                <button type="submit" class="button secondary">"Save labels"</button>
                            </ActionForm>
                            <h2>"Decide by hand"</h2>
                            <p class="muted">"A decision by hand beats the rules: assign puts the repository in the team, exclude keeps it out."</p>
                            <ErrorBanner error=decide_error />
                            <table class="decisions">
                                <tbody>
                                    {detail.all_teams.into_iter().map(|team| {
                                        let current = decision_of(team.id);
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
                                    error=Signal::derive(move || rename_error.get().and_then(|e| e.field_error("name")))
                                />
                                <button type="submit" class="button secondary">"Rename"</button>
                            </ActionForm>
                            <ErrorBanner error=remove_error />
                            <ActionForm action=remove attr:class="inline-form">
                                <input type="hidden" name="id" value=id />
                                <button type="submit" class="button danger" data-testid="remove-repository">"Unlink this repository"</button>
                            </ActionForm>
                        }.into_any()
                    })}
                </Suspense>
            } />
        </main>
    }
}
