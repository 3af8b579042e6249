//! `/onboarding`: the wizard that walks a new organization through its
//! teams, its repositories, the mapping between them, and a review. The
//! step is in the address; "Save and continue" records it, so the wizard
//! resumes where it was left. Every form in it is a plain form that the
//! server answers, so it works without JavaScript.

use crate::{
    api::{
        onboarding::{get_onboarding, EndOnboarding, GoToStep},
        repositories::{get_repositories, AddRepository, PasteRepositories},
    },
    components::{action_error, ErrorBanner, Loaded},
    model::{
        onboarding::{Onboarding, Step},
        repositories::RepositoryPage,
        AppError,
    },
    pages::org::{
        mapping::{AttacherData, LabelAttacher, RulesData, RulesEditor},
        repositories::{RepositoryAdder, RepositoryTable},
        teams::{TeamsData, TeamsEditor},
        OrgPage,
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
    // The address names the step; without one, the saved step.
    let asked = Memo::new(move |_| query.with(|q| q.get("step")).and_then(|s| Step::parse(&s)));
    let steps = StepsData::load(asked, state);
    view! {
        <Title text="Set up your organization" />
        <OrgPage children=move |_| view! {
            <Loaded resource=state children=move |state: Onboarding| {
                let step = asked.get().unwrap_or_else(|| state.progress.resume_at());
                view! { <Wizard state step steps go end /> }
            } />
        } />
    }
}

/// Lets a step's resources, made at the top of the page with every other
/// step's, fetch only while their step is the one shown: the address's, or
/// without one the saved step (once `state` is in). A resource's source
/// reads [`StepGate::key`], so it fetches again when the address moves to
/// another step; its fetcher asks [`StepGate::admit`] first.
#[derive(Clone, Copy)]
pub struct StepGate {
    step: Step,
    asked: Memo<Option<Step>>,
    state: Resource<Result<Onboarding, AppError>>,
}

impl StepGate {
    /// The step the address asks for, to track in a resource's source.
    pub fn key(gate: Option<StepGate>) -> Option<Step> {
        gate.and_then(|g| g.asked.get())
    }

    /// `Ok` when there is no gate or its step is shown; `NotFound` without
    /// asking the server otherwise (a step not shown is never rendered).
    pub async fn admit(gate: Option<StepGate>) -> Result<(), AppError> {
        let Some(gate) = gate else { return Ok(()) };
        let shown = match gate.asked.get_untracked() {
            Some(step) => step,
            None => gate.state.await?.progress.resume_at(),
        };
        if shown == gate.step {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// The data and actions of every step, made at the top of the page: a
/// resource made inside a boundary's body (here, once the saved step is
/// known) is fetched again each time the body runs, and can stall the
/// server's rendering (see `components::loading`). Only the shown step's
/// fetch (see [`StepGate`]). The mapping step's label forms and the review
/// read the first page of repositories, each with its own resource.
#[derive(Clone, Copy)]
struct StepsData {
    teams: TeamsData,
    add: ServerAction<AddRepository>,
    paste: ServerAction<PasteRepositories>,
    newest: Resource<Result<RepositoryPage, AppError>>,
    rules: RulesData,
    labels: AttacherData,
    review: Resource<Result<RepositoryPage, AppError>>,
}

impl StepsData {
    fn load(asked: Memo<Option<Step>>, state: Resource<Result<Onboarding, AppError>>) -> Self {
        let gate = move |step| Some(StepGate { step, asked, state });
        let add = ServerAction::<AddRepository>::new();
        let paste = ServerAction::<PasteRepositories>::new();
        let newest = Resource::new_blocking(
            move || {
                (
                    StepGate::key(gate(Step::Repositories)),
                    add.version().get(),
                    paste.version().get(),
                )
            },
            move |_| async move {
                StepGate::admit(gate(Step::Repositories)).await?;
                first_page("newest").await
            },
        );
        let labels = AttacherData::load(gate(Step::Mapping));
        let set = labels.set;
        let review = Resource::new_blocking(
            move || StepGate::key(gate(Step::Review)),
            move |_| async move {
                StepGate::admit(gate(Step::Review)).await?;
                first_page("").await
            },
        );
        StepsData {
            teams: TeamsData::load(gate(Step::Teams)),
            add,
            paste,
            newest,
            rules: RulesData::load(
                Some(Signal::derive(move || set.version().get())),
                gate(Step::Mapping),
            ),
            labels,
            review,
        }
    }
}

/// The first page of repositories in the order `sort`.
async fn first_page(sort: &str) -> Result<RepositoryPage, AppError> {
    get_repositories(
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        sort.to_owned(),
        "1".to_owned(),
    )
    .await
}

/// The stepper, the step's title and body, and (to those who may) the
/// buttons that move on.
#[component]
fn Wizard(
    state: Onboarding,
    step: Step,
    steps: StepsData,
    go: ServerAction<GoToStep>,
    end: ServerAction<EndOnboarding>,
) -> impl IntoView {
    let (go_error, end_error) = (action_error(go), action_error(end));
    let error = Signal::derive(move || go_error.get().or_else(|| end_error.get()));
    let may_manage = state.may_manage;
    view! {
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
        <StepBody step steps may_manage />
        {may_manage.then(|| view! { <StepButtons step go end /> })}
    }
}

#[component]
fn StepBody(step: Step, steps: StepsData, may_manage: bool) -> impl IntoView {
    match step {
        Step::Teams => view! {
            <p class="muted">"Name the teams that own code. Add one after the other; you can rename or remove them later."</p>
            <TeamsEditor may_manage data=steps.teams />
        }
        .into_any(),
        Step::Repositories => view! { <RepositoriesStep steps /> }.into_any(),
        Step::Mapping => view! { <MappingStep steps may_manage /> }.into_any(),
        Step::Review => view! {
            <Loaded resource=steps.review let:page>
                <Review page />
            </Loaded>
        }
        .into_any(),
    }
}

#[component]
fn RepositoriesStep(steps: StepsData) -> impl IntoView {
    let StepsData {
        add, paste, newest, ..
    } = steps;
    view! {
        <p class="muted">"Link the repositories your teams work on: by name, by address, or paste a whole list."</p>
        <RepositoryAdder add paste />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                newest.await.ok().map(|page| view! {
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
fn MappingStep(steps: StepsData, may_manage: bool) -> impl IntoView {
    view! {
        <p class="muted">
            "Say which team owns which repository: by a pattern on the name, or by a label. "
            "A repository can belong to several teams."
        </p>
        <h3>"Rules"</h3>
        <RulesEditor may_manage data=steps.rules />
        {may_manage.then(|| view! {
            <h3>"Labels on repositories"</h3>
            <p class="muted">"Separate labels with commas. A label rule gives every repository carrying its label to its team."</p>
            <LabelAttacher data=steps.labels />
        })}
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
