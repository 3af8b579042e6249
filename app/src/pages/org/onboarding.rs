//! `/onboarding`: the wizard that walks a new organization through its
//! teams, its repositories, the mapping between them, and a review. The
//! step is in the address; "Save and continue" records it, so the wizard
//! resumes where it was left. Every form in it is a plain form that the
//! server answers, so it works without JavaScript.

use crate::{
    api::{
        onboarding::{get_onboarding, EndOnboarding, GoToStep},
        repositories::{get_repositories, AddRepository, PasteRepositories, SetRepositoryLabels},
    },
    components::{action_error, ErrorBanner, Loaded, SignInRequired},
    model::{
        onboarding::{Onboarding, Progress, Step},
        repositories::RepositoryPage,
        AppError,
    },
    pages::org::{
        mapping::{LabelAttacher, RulesEditor},
        repositories::{RepositoryAdder, RepositoryTable},
        teams::{TeamsData, TeamsEditor},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OnboardingPage() -> impl IntoView {
    let query = use_query_map();
    let go = ServerAction::<GoToStep>::new();
    let end = ServerAction::<EndOnboarding>::new();
    let state = Resource::new_blocking(move || go.version().get(), |_| get_onboarding());
    let signed_out = |e: &AppError| {
        matches!(e, AppError::Unauthorized).then(|| view! { <SignInRequired /> }.into_any())
    };
    view! {
        <Title text="Set up your organization" />
        <main class="card wide onboarding">
            <Loaded resource=state explain=signed_out children=move |state: Onboarding| {
                // The address names the step; without one, the saved step.
                let step = query
                    .with(|q| q.get("step"))
                    .and_then(|s| Step::parse(&s))
                    .unwrap_or(match state.progress {
                        Progress::At(step) => step,
                        Progress::Finished | Progress::Skipped => Step::Teams,
                    });
                view! { <Wizard state step go end /> }
            } />
        </main>
    }
}

/// The stepper, the step's title and body, and (to those who may) the
/// buttons that move on.
#[component]
fn Wizard(
    state: Onboarding,
    step: Step,
    go: ServerAction<GoToStep>,
    end: ServerAction<EndOnboarding>,
) -> impl IntoView {
    let (go_error, end_error) = (action_error(go), action_error(end));
    let error = Signal::derive(move || go_error.get().or_else(|| end_error.get()));
    let may_manage = state.may_manage;
    view! {
        <p><a href="/">"← Back to "{state.org_name.clone()}</a></p>
        <h1>"Set up " {state.org_name.clone()}</h1>
        <ol class="stepper" data-testid="stepper">
            {Step::ALL.into_iter().map(|s| {
                let href = format!("/onboarding?step={}", s.as_str());
                let current = s == step;
                view! {
                    <li class:current=current>
                        <a href=href aria-current=current.then_some("step")>
                            {format!("{}. {}", s.number(), s.title())}
                        </a>
                    </li>
                }
            }).collect_view()}
        </ol>
        <h2 data-testid="step-title">{format!("Step {} of 4: {}", step.number(), step.title())}</h2>
        <ErrorBanner error />
        <StepBody step may_manage />
        {may_manage.then(|| view! { <StepButtons step go end /> })}
    }
}

#[component]
fn StepBody(step: Step, may_manage: bool) -> impl IntoView {
    match step {
        Step::Teams => view! {
            <p class="muted">"Name the teams that own code. Add one after the other; you can rename or remove them later."</p>
            <TeamsEditor may_manage data=TeamsData::load() />
        }
        .into_any(),
        Step::Repositories => view! { <RepositoriesStep /> }.into_any(),
        Step::Mapping => view! { <MappingStep may_manage /> }.into_any(),
        Step::Review => view! { <ReviewStep /> }.into_any(),
    }
}

#[component]
fn RepositoriesStep() -> impl IntoView {
    let add = ServerAction::<AddRepository>::new();
    let paste = ServerAction::<PasteRepositories>::new();
    let page = Resource::new_blocking(
        move || (add.version().get(), paste.version().get()),
        |_| {
            get_repositories(
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "newest".to_owned(),
                "1".to_owned(),
            )
        },
    );
    view! {
        <p class="muted">"Link the repositories your teams work on: by name, by address, or paste a whole list."</p>
        <RepositoryAdder add paste />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                page.await.ok().map(|page| view! {
                    <h3 data-testid="linked-count">{format!("{} linked", page.all)}</h3>
                    <ul class="names" data-testid="linked">
                        {page.rows.into_iter().map(|r| view! { <li>{r.name}</li> }).collect_view()}
                    </ul>
                })
            })}
        </Suspense>
    }
}

#[component]
fn MappingStep(may_manage: bool) -> impl IntoView {
    let set = ServerAction::<SetRepositoryLabels>::new();
    view! {
        <p class="muted">
            "Say which team owns which repository: by a pattern on the name, or by a label. "
            "A repository can belong to several teams."
        </p>
        <h3>"Rules"</h3>
        <RulesEditor may_manage changed=Signal::derive(move || set.version().get()) />
        {may_manage.then(|| view! {
            <h3>"Labels on repositories"</h3>
            <p class="muted">"Separate labels with commas. A label rule gives every repository carrying its label to its team."</p>
            <LabelAttacher set />
        })}
    }
}

#[component]
fn ReviewStep() -> impl IntoView {
    let page = Resource::new_blocking(
        || (),
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
    view! {
        <Loaded resource=page let:page>
            <Review page />
        </Loaded>
    }
}

/// Whether every repository has a team, and the first page of them with
/// those without one highlighted.
#[component]
fn Review(page: RepositoryPage) -> impl IntoView {
    let summary = if page.unassigned == 0 {
        format!("All {} repositories have a team.", page.all)
    } else {
        format!(
            "{} of {} repositories have no team yet; they are highlighted below.",
            page.unassigned, page.all
        )
    };
    let more = (page.pages > 1 && page.unassigned > 0).then(|| {
        view! {
            <p><a href="/repositories?unassigned=1">"See every repository without a team"</a></p>
        }
    });
    view! {
        <p data-testid="review-summary" class:warning={page.unassigned > 0}>{summary}</p>
        <RepositoryTable rows=page.rows />
        {more}
    }
}

/// Back, "Save and continue" (or "Finish"), and "Skip setup".
#[component]
fn StepButtons(
    step: Step,
    go: ServerAction<GoToStep>,
    end: ServerAction<EndOnboarding>,
) -> impl IntoView {
    view! {
        <div class="actions wizard-actions">
            {step.previous().map(|previous| view! {
                <a class="button secondary" href=format!("/onboarding?step={}", previous.as_str())>"Back"</a>
            })}
            {match step.next() {
                Some(next) => view! {
                    <ActionForm action=go>
                        <input type="hidden" name="step" value=next.as_str() />
                        <button type="submit" class="button" data-testid="continue">"Save and continue"</button>
                    </ActionForm>
                }.into_any(),
                None => view! {
                    <ActionForm action=end>
                        <input type="hidden" name="how" value="finished" />
                        <button type="submit" class="button" data-testid="finish">"Finish"</button>
                    </ActionForm>
                }.into_any(),
            }}
            <ActionForm action=end>
                <input type="hidden" name="how" value="skipped" />
                <button type="submit" class="button link" data-testid="skip">"Skip setup"</button>
            </ActionForm>
        </div>
    }
}
