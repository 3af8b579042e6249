//! `/settings/plan`: the plan the organization is on, what it holds against
//! each limit (meters, a warning from 80 %), and every plan on offer with
//! its limits and what a move there must remove first. Owners move it; the
//! form works with and without JavaScript.

use crate::{
    api::plans::{get_plan, ChangePlan},
    components::{action_error, field_error, ErrorBanner, Loaded},
    model::{
        plans::{PlanOption, PlanPage},
        quota::thousands,
    },
    pages::org::{dashboard::Meter, OrgPage},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlanSettingsPage() -> impl IntoView {
    let change = ServerAction::<ChangePlan>::new();
    let page = Resource::new_blocking(move || change.version().get(), |_| get_plan());
    let query = use_query_map();
    let changed = move || {
        let done = matches!(change.value().get(), Some(Ok(())))
            || query.with(|q| q.get("changed").is_some());
        done.then(|| view! { <p class="banner success" role="status" data-testid="plan-changed">"The organization is on its new plan."</p> })
    };
    view! {
        <Title text="Plan" />
        <OrgPage refresh=Signal::derive(move || change.version().get()) children=move |_| view! {
            <p><a href="/settings">"← Settings"</a></p>
            <h1>"Plan"</h1>
            {changed}
            <Loaded resource=page transition=true let:page>
                <Usage page=page.clone() />
                <Plans page change />
            </Loaded>
        } />
    }
}

#[component]
fn Usage(page: PlanPage) -> impl IntoView {
    let current = page
        .plans
        .iter()
        .find(|p| p.current)
        .map(|p| p.label.clone())
        .unwrap_or(page.current);
    view! {
        <section aria-labelledby="usage">
            <h2 id="usage">{format!("Usage on the {current} plan")}</h2>
            <ul class="meters" data-testid="usage">
                {page.usage.into_iter().map(|usage| view! { <Meter usage /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Plans(page: PlanPage, change: ServerAction<ChangePlan>) -> impl IntoView {
    let error = action_error(change);
    let owner = page.owner;
    view! {
        <section aria-labelledby="plans">
            <h2 id="plans">"Plans"</h2>
            <ErrorBanner error />
            <p class="field-error" role="alert" data-field="plan" data-testid="plan-error">{move || field_error(error, "plan").get()}</p>
            <table class="list" data-testid="plans">
                <thead><tr>
                    <th scope="col">"Plan"</th><th scope="col">"Members"</th><th scope="col">"Repositories"</th>
                    <th scope="col">"Teams"</th><th scope="col">"Rules"</th><th scope="col">"API tokens"</th><th></th>
                </tr></thead>
                <tbody>
                    {page.plans.into_iter().map(|plan| view! { <PlanRow plan owner change /> }).collect_view()}
                </tbody>
            </table>
            {(!owner).then(|| view! { <p class="muted">"Owners change the plan."</p> })}
        </section>
    }
}

#[component]
fn PlanRow(plan: PlanOption, owner: bool, change: ServerAction<ChangePlan>) -> impl IntoView {
    let l = plan.limits;
    let testid = format!("plan-{}", plan.name);
    let action = if plan.current {
        view! { <strong>"Current plan"</strong> }.into_any()
    } else if owner {
        let label = format!("Move to {}", plan.label);
        view! {
            <ActionForm action=change>
                <input type="hidden" name="plan" value=plan.name.clone() />
                <button type="submit" class="button secondary" disabled=move || change.pending().get()>{label}</button>
            </ActionForm>
        }
        .into_any()
    } else {
        ().into_any()
    };
    view! {
        <tr data-testid=testid>
            <td>{plan.label.clone()}</td>
            <td>{thousands(l.members)}</td>
            <td>{thousands(l.repositories)}</td>
            <td>{thousands(l.teams)}</td>
            <td>{thousands(l.rules)}</td>
            <td>{thousands(l.api_tokens)}</td>
            <td>
                {action}
                {(!plan.exceeds.is_empty()).then(|| view! {
                    <p class="hint" data-testid="exceeds">{format!("Holds more than it allows: {}.", plan.exceeds.join("; "))}</p>
                })}
            </td>
        </tr>
    }
}
