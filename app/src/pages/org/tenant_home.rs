use crate::{
    api::{
        auth::ResendVerification,
        teams::{tenant_home_data, AddTeam},
    },
    components::{action_error, field_error, ErrorBanner, Field, Loaded},
    model::{
        auth::OrgShell,
        onboarding::Step,
        teams::{Team, TenantHome},
        Permission,
    },
    pages::org::OrgPage,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// An organization's home: what is left to set up, and its teams, read
/// from the organization's own database. Adding a team works with and
/// without JavaScript.
#[component]
pub fn TenantHomePage() -> impl IntoView {
    let add_team = ServerAction::<AddTeam>::new();
    let home = Resource::new(move || add_team.version().get(), |_| tenant_home_data());
    view! {
        <OrgPage children=move |shell: OrgShell| view! {
            <Loaded resource=home transition=true let:home>
                <MemberHome shell=shell.clone() home add_team />
            </Loaded>
        } />
    }
}

/// The home of a signed-in member: what is left to set up, and the teams.
#[component]
fn MemberHome(shell: OrgShell, home: TenantHome, add_team: ServerAction<AddTeam>) -> impl IntoView {
    let may_manage_teams = shell.role.grants(Permission::ManageTeams);
    view! {
        <Title text=shell.org_name.clone() />
        <h1 data-testid="org-name">{shell.org_name.clone()}</h1>
        {(!shell.email_verified).then(|| view! { <VerifyBanner email=shell.email.clone() /> })}
        {home.onboarding.map(|step| view! { <OnboardingBanner org_name=shell.org_name.clone() step /> })}
        <TeamsSection teams=home.teams count=home.team_count may_manage=may_manage_teams add_team />
    }
}

/// Until the wizard is finished or skipped: the step it is at, and the way
/// back into it.
#[component]
fn OnboardingBanner(org_name: String, step: Step) -> impl IntoView {
    view! {
        <div class="banner info" data-testid="onboarding-banner">
            <p>
                <strong>"Finish setting up " {org_name}</strong>
                {format!(": step {} of 4, {}.", step.number(), step.title().to_lowercase())}
            </p>
            <a class="button" href="/onboarding" data-testid="resume-onboarding">
                {if step == Step::Teams { "Start" } else { "Continue" }}
            </a>
        </div>
    }
}

/// The teams, and to those who may manage them the form for a new one
/// (which keeps what was typed when the team was rejected).
#[component]
fn TeamsSection(
    teams: Vec<Team>,
    count: u64,
    may_manage: bool,
    add_team: ServerAction<AddTeam>,
) -> impl IntoView {
    let error = action_error(add_team);
    let typed = error.get_untracked().and_then(|e| e.field_value("name"));
    let pending = add_team.pending();
    let shown = teams.len() as u64;
    let form = if may_manage {
        view! {
            <ActionForm action=add_team>
                <ErrorBanner error />
                <Field
                    label="New team"
                    name="name"
                    value=typed.unwrap_or_default()
                    error=field_error(error, "name")
                />
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add team" }}
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p class="muted" data-testid="read-only">
                "As a viewer you can see the teams but not change them."
            </p>
        }
        .into_any()
    };
    view! {
        <section>
            <h2>
                "Teams "
                <span class="count" data-testid="team-count">{count}</span>
            </h2>
            <ul class="teams">
                {teams.into_iter().map(|team| view! { <li>{team.name}</li> }).collect_view()}
            </ul>
            {(count > shown).then(|| view! {
                <p><a href="/teams" data-testid="all-teams">{format!("All {count} teams")}</a></p>
            })}
            {form}
        </section>
    }
}

/// Until the address is confirmed: a reminder, and a way to get the link
/// again.
#[component]
fn VerifyBanner(email: String) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let outcome = move || {
        resend.value().get().map(|result| match result {
            Ok(_) => view! { <p class="muted" role="status" data-testid="resent">"Sent. Check your inbox."</p> }.into_any(),
            Err(e) => view! { <p class="field-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <div class="banner warning" data-testid="verify-banner">
            <p>
                "Confirm your email address: we sent a link to "
                <strong>{email}</strong>
                ". Until then you cannot invite colleagues."
            </p>
            <ActionForm action=resend>
                <button type="submit" class="button secondary" data-testid="resend-verification" disabled=move || resend.pending().get()>
                    "Send the link again"
                </button>
            </ActionForm>
            {outcome}
        </div>
    }
}
