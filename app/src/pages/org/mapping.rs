//! `/rules` and `/labels`, and the mapping editors the onboarding wizard
//! shares with them: pattern rules with a live preview, label rules,
//! labels on repositories.

use crate::{
    api::{
        mapping::{
            get_labels, get_rules, preview_pattern, AddLabel, AddLabelRule, AddPatternRule,
            RemoveLabel, RemoveRule, RenameLabel, UpdateRule,
        },
        repositories::{get_repositories, SetRepositoryLabels},
    },
    components::{ErrorBanner, Field, Granted},
    model::{
        mapping::{Label, MappingRule, RuleTarget},
        teams::Team,
        AppError, Permission,
    },
    pages::query_string,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RulesPage() -> impl IntoView {
    view! {
        <Title text="Mapping rules" />
        <main class="card wide">
            <p><a href="/">"← Back"</a></p>
            <h1>"Mapping rules"</h1>
            <Granted permission=Permission::ManageRepositories children=|may_manage| view! { <RulesEditor may_manage /> } />
        </main>
    }
}

#[component]
pub fn LabelsPage() -> impl IntoView {
    view! {
        <Title text="Labels" />
        <main class="card wide">
            <p><a href="/">"← Back"</a></p>
            <h1>"Labels"</h1>
            <Granted permission=Permission::ManageRepositories children=|may_manage| view! { <LabelsEditor may_manage /> } />
        </main>
    }
}

/// The error of `action` when it echoes `id`: the row that sent it.
pub(crate) fn error_for(error: Signal<Option<AppError>>, id: i64) -> Signal<Option<AppError>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field_value("id").as_deref() == Some(id.to_string().as_str()))
    })
}

fn field(error: Signal<Option<AppError>>, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field_error(name)))
}

/// A `<select name="team_id">` of the teams, with `selected` chosen.
#[component]
fn TeamSelect(
    teams: Vec<Team>,
    id: String,
    #[prop(optional)] selected: Option<i64>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>"Team"</label>
            <select id=id name="team_id" aria-describedby=error_id.clone()>
                <option value="">"Choose a team"</option>
                {teams.into_iter().map(|t| view! {
                    <option value=t.id selected=Some(t.id) == selected>{t.name}</option>
                }).collect_view()}
            </select>
            <p class="field-error" id=error_id role="alert" data-field="team_id">{move || error.get()}</p>
        </div>
    }
}

/// The rules with what each gives its team, and the forms for new ones.
/// `changed` ticks when something else on the page moved repositories
/// (labels put on them), so the counts are read again.
#[component]
pub fn RulesEditor(
    may_manage: bool,
    #[prop(optional, into)] changed: Option<Signal<usize>>,
) -> impl IntoView {
    let add_pattern = ServerAction::<AddPatternRule>::new();
    let add_label = ServerAction::<AddLabelRule>::new();
    let update = ServerAction::<UpdateRule>::new();
    let remove = ServerAction::<RemoveRule>::new();
    let page = Resource::new_blocking(
        move || {
            (
                add_pattern.version().get(),
                add_label.version().get(),
                update.version().get(),
                remove.version().get(),
                changed.map(|c| c.get()),
            )
        },
        |_| get_rules(),
    );
    let pattern_error = Signal::derive(move || add_pattern.value().get().and_then(Result::err));
    let label_error = Signal::derive(move || add_label.value().get().and_then(Result::err));
    let update_error = Signal::derive(move || update.value().get().and_then(Result::err));
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));

    // The live preview: what the pattern being typed matches.
    let typed_pattern = RwSignal::new(
        pattern_error
            .get_untracked()
            .and_then(|e| e.field_value("pattern"))
            .unwrap_or_default(),
    );
    let preview = Resource::new(move || typed_pattern.get(), preview_pattern);

    view! {
        <ErrorBanner error=remove_error />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let page = match page.await {
                    Ok(page) => page,
                    Err(e) => return view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                };
                let rules = page.rules;
                let teams = page.teams;
                let list = if rules.is_empty() {
                    view! { <p class="muted" data-testid="no-rules">"No rules yet."</p> }.into_any()
                } else {
                    let teams = teams.clone();
                    view! {
                        <ul class="rows" data-testid="rule-list">
                            {rules.into_iter().map(|rule| view! {
                                <RuleItem rule teams=teams.clone() may_manage update remove error=update_error />
                            }).collect_view()}
                        </ul>
                    }.into_any()
                };
                let forms = may_manage.then(|| {
                    if teams.is_empty() {
                        return view! { <p class="muted">"Add a team first: a rule gives repositories to a team."</p> }.into_any();
                    }
                    let typed_label = label_error.get_untracked().and_then(|e| e.field_value("label"));
                    let (pattern_teams, label_teams) = (teams.clone(), teams.clone());
                    view! {
                        <div class="rule-forms">
                            <ActionForm action=add_pattern attr:data-testid="add-pattern-rule">
                                <h3>"By name"</h3>
                                <ErrorBanner error=pattern_error />
                                <TeamSelect teams=pattern_teams id="pattern-team".to_owned() error=field(pattern_error, "team_id") />
                                <div class="field" class:has-error=move || field(pattern_error, "pattern").get().is_some()>
                                    <label for="field-pattern">"Pattern"</label>
                                    <input
                                        id="field-pattern"
                                        name="pattern"
                                        value=typed_pattern.get_untracked()
                                        aria-describedby="field-pattern-error"
                                        on:input=move |ev| typed_pattern.set(event_target_value(&ev))
                                    />
                                    <p class="hint">"A regular expression found anywhere in the name, ignoring case: ^payments- or (api|web)$"</p>
                                    <p class="field-error" id="field-pattern-error" role="alert" data-field="pattern">
                                        {move || field(pattern_error, "pattern").get()}
                                    </p>
                                </div>
                                <PreviewBox preview typed=typed_pattern />
                                <button type="submit" class="button">"Add rule"</button>
                            </ActionForm>
                            <ActionForm action=add_label attr:data-testid="add-label-rule">
                                <h3>"By label"</h3>
                                <ErrorBanner error=label_error />
                                <TeamSelect teams=label_teams id="label-team".to_owned() error=field(label_error, "team_id") />
                                <Field
                                    label="Label"
                                    name="label"
                                    value=typed_label.unwrap_or_default()
                                    hint="Repositories carrying this label go to the team."
                                    error=field(label_error, "label")
                                />
                                <button type="submit" class="button">"Add rule"</button>
                            </ActionForm>
                        </div>
                    }.into_any()
                });
                view! { {list} {forms} }.into_any()
            })}
        </Suspense>
    }
}

/// What the pattern being typed matches now.
#[component]
fn PreviewBox(
    preview: Resource<Result<crate::model::mapping::Preview, AppError>>,
    typed: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="preview" data-testid="preview" aria-live="polite">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let result = preview.await;
                    if typed.with(|t| t.trim().is_empty()) {
                        return ().into_any();
                    }
                    match result {
                        Ok(p) if p.error.is_some() => view! {
                            <p class="field-error" data-testid="preview-error">{p.error}</p>
                        }.into_any(),
                        Ok(p) if p.total == 0 => view! {
                            <p class="muted" data-testid="preview-count">"Matches no repository."</p>
                        }.into_any(),
                        Ok(p) => view! {
                            <p class="muted" data-testid="preview-count">{format!("Matches {} repositories:", p.total)}</p>
                            <ul class="preview-names">
                                {p.names.into_iter().map(|n| view! { <li data-testid="preview-name">{n}</li> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// One rule: what it looks for, its team and how many repositories it
/// gives; to those who may, its edit and remove forms.
#[component]
fn RuleItem(
    rule: MappingRule,
    teams: Vec<Team>,
    may_manage: bool,
    update: ServerAction<UpdateRule>,
    remove: ServerAction<RemoveRule>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = rule.id;
    let mine = error_for(error, id);
    let (field_name, value) = match &rule.target {
        RuleTarget::Pattern { pattern } => ("pattern", pattern.clone()),
        RuleTarget::Label { label, .. } => ("label", label.clone()),
    };
    let typed = mine
        .get_untracked()
        .and_then(|e| e.field_value(field_name))
        .unwrap_or(value);
    view! {
        <li data-testid="rule">
            <span data-testid="rule-text">{rule.describe()}</span>
            " → "
            <strong>{rule.team_name.clone()}</strong>
            " "
            <span class="muted" data-testid="rule-count">{format!("({} repositories)", rule.repository_count)}</span>
            {may_manage.then(|| view! {
                <details class="row-actions" open=mine.get_untracked().is_some()>
                    <summary>"Edit or remove"</summary>
                    <ActionForm action=update attr:class="inline-form">
                        <ErrorBanner error=mine />
                        <input type="hidden" name="id" value=id />
                        <TeamSelect teams id=format!("rule-{id}-team") selected=rule.team_id error=field(mine, "team_id") />
                        <div class="field" class:has-error=move || field(mine, field_name).get().is_some()>
                            <label for=format!("rule-{id}-value")>{if field_name == "pattern" { "Pattern" } else { "Label" }}</label>
                            <input id=format!("rule-{id}-value") name=field_name value=typed />
                            <p class="field-error" role="alert" data-field=field_name>{move || field(mine, field_name).get()}</p>
                        </div>
                        <button type="submit" class="button secondary">"Save"</button>
                    </ActionForm>
                    <ActionForm action=remove attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button danger" data-testid="remove-rule">"Remove rule"</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

/// The labels with their repository counts; add, rename, remove.
#[component]
pub fn LabelsEditor(may_manage: bool) -> impl IntoView {
    let add = ServerAction::<AddLabel>::new();
    let rename = ServerAction::<RenameLabel>::new();
    let remove = ServerAction::<RemoveLabel>::new();
    let labels = Resource::new_blocking(
        move || {
            (
                add.version().get(),
                rename.version().get(),
                remove.version().get(),
            )
        },
        |_| get_labels(),
    );
    let add_error = Signal::derive(move || add.value().get().and_then(Result::err));
    let rename_error = Signal::derive(move || rename.value().get().and_then(Result::err));
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    let typed = add_error
        .get_untracked()
        .and_then(|e| e.field_value("name"));
    view! {
        <ErrorBanner error=remove_error />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match labels.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="no-labels">"No labels yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="rows" data-testid="label-list">
                            {list.into_iter().map(|label| view! { <LabelItem label may_manage rename remove error=rename_error /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        {may_manage.then(|| view! {
            <ActionForm action=add attr:class="inline-form" attr:data-testid="add-label">
                <ErrorBanner error=add_error />
                <Field label="New label" name="name" value=typed.clone().unwrap_or_default() error=field(add_error, "name") />
                <button type="submit" class="button">"Add label"</button>
            </ActionForm>
        })}
    }
}

#[component]
fn LabelItem(
    label: Label,
    may_manage: bool,
    rename: ServerAction<RenameLabel>,
    remove: ServerAction<RemoveLabel>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = label.id;
    let mine = error_for(error, id);
    let typed = mine
        .get_untracked()
        .and_then(|e| e.field_value("name"))
        .unwrap_or(label.name.clone());
    let href = format!("/repositories{}", query_string(&[("label", &label.name)]));
    view! {
        <li data-testid="label">
            <span data-testid="label-name">{label.name.clone()}</span>
            " "
            <a class="muted" href=href>{format!("{} repositories", label.repository_count)}</a>
            {may_manage.then(|| view! {
                <details class="row-actions" open=mine.get_untracked().is_some()>
                    <summary>"Rename or remove"</summary>
                    <ActionForm action=rename attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <Field label="Name" name="name" value=typed.clone() error=field(mine, "name") />
                        <button type="submit" class="button secondary">"Rename"</button>
                    </ActionForm>
                    <ActionForm action=remove attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button danger">"Remove label and its rules"</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

/// Labels on repositories, one form a repository (the first page of them).
#[component]
pub fn LabelAttacher(set: ServerAction<SetRepositoryLabels>) -> impl IntoView {
    let page = Resource::new_blocking(
        move || set.version().get(),
        |_| {
            get_repositories(
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "1".to_owned(),
            )
        },
    );
    let error = Signal::derive(move || set.value().get().and_then(Result::err));
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.rows.is_empty() => view! { <p class="muted">"No repositories yet."</p> }.into_any(),
                    Ok(page) => {
                        let more = (page.pages > 1).then(|| view! {
                            <p class="muted">"More repositories: label them from "<a href="/repositories">"their pages"</a>"."</p>
                        });
                        view! {
                            <ul class="rows" data-testid="label-attacher">
                                {page.rows.into_iter().map(|row| {
                                    let id = row.id;
                                    let mine = error_for(error, id);
                                    let typed = mine.get_untracked().and_then(|e| e.field_value("labels")).unwrap_or(row.labels.join(", "));
                                    let input_id = format!("labels-{id}");
                                    let name = row.name.clone();
                                    view! {
                                        <li data-testid="label-row" data-name=name>
                                            <ActionForm action=set attr:class="inline-form">
                                                <input type="hidden" name="id" value=id />
                                                <div class="field" class:has-error=move || field(mine, "labels").get().is_some()>
                                                    <label for=input_id.clone()>{row.name.clone()}</label>
                                                    <input id=input_id name="labels" value=typed placeholder="backend, payments" />
                                                    <p class="field-error" role="alert" data-field="labels">{move || field(mine, "labels").get()}</p>
                                                </div>
                                                <button type="submit" class="button secondary">"Save labels"</button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {more}
                        }.into_any()
                    }
                    Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
