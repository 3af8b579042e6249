//! `/rules`, and the rules editor the onboarding wizard shares with it:
//! pattern rules with a live preview, and label rules.

use crate::{
    api::mapping::{
        get_rules, preview_pattern, AddLabelRule, AddPatternRule, RemoveRule, UpdateRule,
    },
    components::{action_error, error_for, field_error, ErrorBanner, Field, FieldShell, Loaded},
    model::{
        auth::OrgShell,
        mapping::{MappingRule, Preview, RuleTarget, RulesPage as Rules},
        teams::Team,
        AppError, Permission,
    },
    pages::org::{onboarding::StepGate, OrgPage},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RulesPage() -> impl IntoView {
    let data = RulesData::load(None, None);
    view! {
        <Title text="Mapping rules" />
        <OrgPage children=move |shell: OrgShell| view! {
            <h1>"Mapping rules"</h1>
            <RulesEditor may_manage=shell.may(Permission::ManageRepositories) data />
        } />
    }
}

/// The forms for new rules, and the live preview of the pattern being
/// typed. They live above the list, so a reload keeps what is typed.
#[derive(Clone, Copy)]
struct NewRule {
    add_pattern: ServerAction<AddPatternRule>,
    add_label: ServerAction<AddLabelRule>,
    typed_pattern: RwSignal<String>,
    preview: Resource<Result<Preview, AppError>>,
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
        <FieldShell id=id.clone() name="team_id" label="Team" error described=true>
            <select id=id name="team_id" aria-describedby=error_id>
                <option value="">"Choose a team"</option>
                {teams.into_iter().map(|t| view! {
                    <option value=t.id selected=Some(t.id) == selected>{t.name}</option>
                }).collect_view()}
            </select>
        </FieldShell>
    }
}

/// The rules, the actions that change them and the new rule's preview,
/// made at the top of a page (not inside a boundary's body, see
/// `components::loading`). `changed` ticks when something else on the page
/// moved repositories (labels put on them), so the counts are read again.
#[derive(Clone, Copy)]
pub struct RulesData {
    update: ServerAction<UpdateRule>,
    remove: ServerAction<RemoveRule>,
    page: Resource<Result<Rules, AppError>>,
    new_rule: NewRule,
}

impl RulesData {
    /// `gate`: in the onboarding wizard, fetch only on its mapping step.
    pub fn load(changed: Option<Signal<usize>>, gate: Option<StepGate>) -> Self {
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
                    StepGate::key(gate),
                )
            },
            move |_| async move {
                StepGate::admit(gate).await?;
                get_rules().await
            },
        );
        // The live preview: what the pattern being typed matches.
        let typed_pattern = RwSignal::new(
            action_error(add_pattern)
                .get_untracked()
                .and_then(|e| e.field_value("pattern"))
                .unwrap_or_default(),
        );
        let new_rule = NewRule {
            add_pattern,
            add_label,
            typed_pattern,
            preview: Resource::new(move || typed_pattern.get(), preview_pattern),
        };
        RulesData {
            update,
            remove,
            page,
            new_rule,
        }
    }
}

/// The rules with what each gives its team, and the forms for new ones.
#[component]
pub fn RulesEditor(may_manage: bool, data: RulesData) -> impl IntoView {
    let RulesData {
        update,
        remove,
        page,
        new_rule,
    } = data;
    view! {
        <ErrorBanner error=action_error(remove) />
        <Loaded resource=page let:page>
            <RuleList page may_manage update remove new_rule />
        </Loaded>
    }
}

/// The rules, and to those who may the forms for new ones (which need a
/// team to give repositories to).
#[component]
fn RuleList(
    page: Rules,
    may_manage: bool,
    update: ServerAction<UpdateRule>,
    remove: ServerAction<RemoveRule>,
    new_rule: NewRule,
) -> impl IntoView {
    let Rules { rules, teams, .. } = page;
    let update_error = action_error(update);
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
        view! { <RuleForms teams new_rule /> }.into_any()
    });
    view! { {list} {forms} }
}

/// A new rule, by name (with the live preview) or by label.
#[component]
fn RuleForms(teams: Vec<Team>, new_rule: NewRule) -> impl IntoView {
    let NewRule {
        add_pattern,
        add_label,
        typed_pattern,
        preview,
    } = new_rule;
    let pattern_error = action_error(add_pattern);
    let label_error = action_error(add_label);
    let typed_label = label_error
        .get_untracked()
        .and_then(|e| e.field_value("label"));
    let (pattern_teams, label_teams) = (teams.clone(), teams);
    view! {
        <div class="rule-forms">
            <ActionForm action=add_pattern attr:data-testid="add-pattern-rule">
                <h3>"By name"</h3>
                <ErrorBanner error=pattern_error />
                <TeamSelect teams=pattern_teams id="pattern-team".to_owned() error=field_error(pattern_error, "team_id") />
                <FieldShell id="field-pattern" name="pattern" label="Pattern" error=field_error(pattern_error, "pattern") described=true>
                    <input
                        id="field-pattern"
                        name="pattern"
                        value=typed_pattern.get_untracked()
                        aria-describedby="field-pattern-error"
                        on:input=move |ev| typed_pattern.set(event_target_value(&ev))
                    />
                    <p class="hint">"A regular expression found anywhere in the name, ignoring case: ^payments- or (api|web)$"</p>
                </FieldShell>
                <PreviewBox preview typed=typed_pattern />
                <button type="submit" class="button">"Add rule"</button>
            </ActionForm>
            <ActionForm action=add_label attr:data-testid="add-label-rule">
                <h3>"By label"</h3>
                <ErrorBanner error=label_error />
                <TeamSelect teams=label_teams id="label-team".to_owned() error=field_error(label_error, "team_id") />
                <Field
                    label="Label"
                    name="label"
                    value=typed_label.unwrap_or_default()
                    hint="Repositories carrying this label go to the team."
                    error=field_error(label_error, "label")
                />
                <button type="submit" class="button">"Add rule"</button>
            </ActionForm>
        </div>
    }
}

/// What the pattern being typed matches now.
#[component]
fn PreviewBox(
    preview: Resource<Result<Preview, AppError>>,
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
    let (field_name, value_label, value) = match &rule.target {
        RuleTarget::Pattern { pattern } => ("pattern", "Pattern", pattern.clone()),
        RuleTarget::Label { label, .. } => ("label", "Label", label.clone()),
    };
    let value_id = format!("rule-{id}-value");
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
                        <TeamSelect teams id=format!("rule-{id}-team") selected=rule.team_id error=field_error(mine, "team_id") />
                        <FieldShell id=value_id.clone() name=field_name label=value_label error=field_error(mine, field_name) described=true>
                            <input id=value_id.clone() name=field_name value=typed aria-describedby=format!("{value_id}-error") />
                        </FieldShell>
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
