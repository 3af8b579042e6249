//! `/labels`, and the label editors the onboarding wizard shares with it:
//! the labels themselves, and labels on repositories.

use crate::{
    api::{
        mapping::{get_labels, AddLabel, RemoveLabel, RenameLabel},
        repositories::{get_repositories, SetRepositoryLabels},
    },
    components::{action_error, error_for, field_error, ErrorBanner, Field, FieldShell, Loaded},
    model::{auth::OrgShell, mapping::Label, repositories::RepositoryPage, AppError, Permission},
    pages::{
        org::{onboarding::StepGate, OrgPage},
        query_string,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LabelsPage() -> impl IntoView {
    let data = LabelsData::load();
    view! {
        <Title text="Labels" />
        <OrgPage children=move |shell: OrgShell| view! {
            <h1>"Labels"</h1>
            <LabelsEditor may_manage=shell.may(Permission::ManageRepositories) data />
        } />
    }
}

/// The labels with their repository counts and the actions that change
/// them, made at the top of a page (not inside a boundary's body, see
/// `components::loading`).
#[derive(Clone, Copy)]
pub struct LabelsData {
    add: ServerAction<AddLabel>,
    rename: ServerAction<RenameLabel>,
    remove: ServerAction<RemoveLabel>,
    labels: Resource<Result<Vec<Label>, AppError>>,
}

impl LabelsData {
    pub fn load() -> Self {
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
        LabelsData {
            add,
            rename,
            remove,
            labels,
        }
    }
}

/// The labels with their repository counts; add, rename, remove.
#[component]
pub fn LabelsEditor(may_manage: bool, data: LabelsData) -> impl IntoView {
    let LabelsData {
        add,
        rename,
        remove,
        labels,
    } = data;
    let add_error = action_error(add);
    let typed = add_error
        .get_untracked()
        .and_then(|e| e.field_value("name"));
    view! {
        <ErrorBanner error=action_error(remove) />
        <Loaded resource=labels let:labels>
            <LabelList labels may_manage rename remove />
        </Loaded>
        {may_manage.then(|| view! {
            <ActionForm action=add attr:class="inline-form" attr:data-testid="add-label">
                <ErrorBanner error=add_error />
                <Field label="New label" name="name" value=typed.clone().unwrap_or_default() error=field_error(add_error, "name") />
                <button type="submit" class="button">"Add label"</button>
            </ActionForm>
        })}
    }
}

/// The labels, or that there are none yet.
#[component]
fn LabelList(
    labels: Vec<Label>,
    may_manage: bool,
    rename: ServerAction<RenameLabel>,
    remove: ServerAction<RemoveLabel>,
) -> impl IntoView {
    if labels.is_empty() {
        return view! { <p class="muted" data-testid="no-labels">"No labels yet."</p> }.into_any();
    }
    let error = action_error(rename);
    view! {
        <ul class="rows" data-testid="label-list">
            {labels.into_iter().map(|label| view! { <LabelItem label may_manage rename remove error /> }).collect_view()}
        </ul>
    }
    .into_any()
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
                        <Field label="Name" name="name" value=typed.clone() error=field_error(mine, "name") />
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

/// Labels on repositories, one form a repository (the first page of
/// them): the action and the page, made at the top of a page.
#[derive(Clone, Copy)]
pub struct AttacherData {
    pub set: ServerAction<SetRepositoryLabels>,
    pub page: Resource<Result<RepositoryPage, AppError>>,
}

impl AttacherData {
    /// `gate`: in the onboarding wizard, fetch only on its mapping step.
    pub fn load(gate: Option<StepGate>) -> Self {
        let set = ServerAction::<SetRepositoryLabels>::new();
        let page = Resource::new_blocking(
            move || (StepGate::key(gate), set.version().get()),
            move |_| async move {
                StepGate::admit(gate).await?;
                get_repositories(
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "1".to_owned(),
                )
                .await
            },
        );
        AttacherData { set, page }
    }
}

/// Labels on repositories, one form a repository (the first page of them).
#[component]
pub fn LabelAttacher(data: AttacherData) -> impl IntoView {
    let AttacherData { set, page } = data;
    view! {
        <Loaded resource=page let:page>
            <AttacherRows page set />
        </Loaded>
    }
}

/// One form a repository on the first page, and where to label the rest.
#[component]
fn AttacherRows(page: RepositoryPage, set: ServerAction<SetRepositoryLabels>) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <p class="muted">"No repositories yet."</p> }.into_any();
    }
    let error = action_error(set);
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
                            <FieldShell id=input_id.clone() name="labels" label=row.name.clone() error=field_error(mine, "labels")>
                                <input id=input_id name="labels" value=typed placeholder="backend, payments" />
                            </FieldShell>
                            <button type="submit" class="button secondary">"Save labels"</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
        {more}
    }
    .into_any()
}
