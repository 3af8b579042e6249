//! `/dashboard`: the organization at a glance, for its owners and admins:
//! counts, activity over the last days and repositories per team (charts
//! drawn on the server, with their numbers as tables), the latest changes,
//! what is left to set up, and use of the organization's limits.

use crate::{
    api::dashboard::get_dashboard,
    components::Loaded,
    model::{
        dashboard::{Count, Dashboard, Usage, ACTIVITY_DAYS},
        quota::thousands,
    },
    pages::org::OrgPage,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// `count` and its noun, `one` or `many`, with thousands separated.
fn counted(count: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(count),
        if count == 1 { one } else { many }
    )
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let dashboard = Resource::new_blocking(|| (), |_| get_dashboard());
    view! {
        <Title text="Dashboard" />
        <OrgPage children=move |_| view! {
            <h1>"Dashboard"</h1>
            <Loaded resource=dashboard let:dashboard>
                <Overview dashboard />
            </Loaded>
        } />
    }
}

#[component]
fn Overview(dashboard: Dashboard) -> impl IntoView {
    let assigned = dashboard.repositories.saturating_sub(dashboard.unassigned);
    let others = dashboard.other_teams.map(|(teams, repositories)| {
        format!(
            "and {} other teams with {}",
            thousands(teams),
            counted(repositories, "repository", "repositories")
        )
    });
    view! {
        <section aria-labelledby="at-a-glance">
            <h2 id="at-a-glance" class="visually-hidden">"At a glance"</h2>
            <ul class="tiles" data-testid="tiles">
                <Tile href="/members" label="Members" value=dashboard.members testid="tile-members"
                    detail=counted(dashboard.pending_invitations, "pending invitation", "pending invitations") />
                <Tile href="/teams" label="Teams" value=dashboard.teams testid="tile-teams" detail=String::new() />
                <Tile href="/repositories" label="Repositories" value=dashboard.repositories testid="tile-repositories"
                    detail=format!("{} assigned, {} without a team", thousands(assigned), thousands(dashboard.unassigned)) />
                <Tile href="/rules" label="Mapping rules" value=dashboard.rules testid="tile-rules"
                    detail=counted(dashboard.labels, "label", "labels") />
                <Tile href="/api-tokens" label="API tokens" value=dashboard.api_tokens testid="tile-api-tokens" detail=String::new() />
            </ul>
        </section>
        <LeftToDo dashboard=dashboard.clone() />
        <div class="charts">
            <Chart
                title=format!("Changes per day, last {ACTIVITY_DAYS} days")
                svg=dashboard.activity_chart
                counts=dashboard.activity
                key_heading="Day"
                value_heading="Changes"
                testid="activity"
                note=None
            />
            <Chart
                title="Repositories per team".to_owned()
                svg=dashboard.per_team_chart
                counts=dashboard.per_team
                key_heading="Team"
                value_heading="Repositories"
                testid="per-team"
                note=others
            />
        </div>
        <section>
            <h2>"Latest changes"</h2>
            {if dashboard.recent.is_empty() {
                view! { <p class="muted">"No changes yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" data-testid="recent-changes">
                        {dashboard.recent.into_iter().map(|e| view! {
                            <li>
                                <code>{e.action}</code>" "{e.target}
                                <span class="muted">" · "{e.actor_email}" · "{e.when}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href="/audit">"The whole audit log"</a></p>
        </section>
        <section>
            <h2>"Limits"</h2>
            <p class="muted" data-testid="plan">{format!("What this organization may hold on the {} plan.", dashboard.plan)}</p>
            <ul class="meters" data-testid="usage">
                {dashboard.usage.into_iter().map(|usage| view! { <Meter usage /> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn Tile(
    href: &'static str,
    label: &'static str,
    value: u64,
    detail: String,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <li class="tile">
            <a href=href data-testid=testid>
                <span class="tile-value">{thousands(value)}</span>
                <span class="tile-label">{label}</span>
                {(!detail.is_empty()).then(|| view! { <span class="tile-detail muted">{detail}</span> })}
            </a>
        </li>
    }
    .into_any()
}

/// What setting up left undone, from the counts; nothing when all is done.
#[component]
fn LeftToDo(dashboard: Dashboard) -> impl IntoView {
    let mut todo: Vec<(String, &'static str)> = Vec::new();
    if dashboard.teams == 0 {
        todo.push(("Add the teams that own code".into(), "/teams"));
    }
    if dashboard.repositories == 0 {
        todo.push(("Link your repositories".into(), "/repositories"));
    }
    if dashboard.repositories > 0 && dashboard.rules == 0 {
        todo.push((
            "Add a mapping rule, so repositories find their teams".into(),
            "/rules",
        ));
    }
    if dashboard.unassigned > 0 {
        todo.push((
            format!(
                "Give {} a team",
                counted(dashboard.unassigned, "repository", "repositories")
            ),
            "/repositories?unassigned=1",
        ));
    }
    if dashboard.members <= 1 && dashboard.pending_invitations == 0 {
        todo.push(("Invite your colleagues".into(), "/members"));
    }
    (!todo.is_empty()).then(|| {
        view! {
            <section class="banner info left-to-do" data-testid="left-to-do">
                <h2>"Left to do"</h2>
                <ul>
                    {todo.into_iter().map(|(what, href)| view! { <li><a href=href>{what}</a></li> }).collect_view()}
                </ul>
            </section>
        }
        .into_any()
    })
}

/// A chart drawn on the server, and the same numbers as a table.
#[component]
fn Chart(
    title: String,
    svg: String,
    counts: Vec<Count>,
    key_heading: &'static str,
    value_heading: &'static str,
    testid: &'static str,
    note: Option<String>,
) -> impl IntoView {
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption><h2>{title}</h2></figcaption>
            <div class="chart-image" inner_html=svg></div>
            {note.map(|note| view! { <p class="muted">{note}</p> })}
            <details>
                <summary>"The numbers as a table"</summary>
                <table class="list">
                    <thead><tr><th scope="col">{key_heading}</th><th scope="col">{value_heading}</th></tr></thead>
                    <tbody>
                        {counts.into_iter().map(|c| view! {
                            <tr><th scope="row">{c.label}</th><td>{c.count}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
    .into_any()
}

/// One limit: a meter, "N of M", and a warning from 80 %.
#[component]
pub(crate) fn Meter(usage: Usage) -> impl IntoView {
    let near = usage.is_near();
    let id = format!("usage-{}", usage.noun.replace(' ', "-"));
    let (testid, label_for) = (id.clone(), id.clone());
    let text = format!(
        "{} of {} {}",
        thousands(usage.used),
        thousands(usage.max),
        usage.noun
    );
    view! {
        <li class="meter-row" class:near=near data-testid=testid>
            <label for=label_for>{text}</label>
            <meter id=id min="0" max=usage.max.to_string() value=usage.used.to_string() high=(usage.max * 8 / 10).to_string()></meter>
            {near.then(|| view! {
                <span class="warning">{format!("{} % used: remove some, or move to a larger plan.", usage.percent())}</span>
            })}
        </li>
    }
    .into_any()
}
