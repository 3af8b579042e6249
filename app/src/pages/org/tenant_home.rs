use crate::{
    api::{
        auth::{get_account_menu, OpenOrganization, ResendVerification},
        site::this_site,
        teams::{tenant_home_data, AddTeam},
    },
    components::{action_error, field_error, ErrorBanner, Field, Loaded},
    model::{
        auth::{Account, MENU_ORGANIZATIONS},
        onboarding::Step,
        site::Site,
        teams::{Team, TenantHome},
        AppError, Permission,
    },
    pages::apex::organizations::{LogOutButtons, OpenButton},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// An organization's home: who is signed in, and its teams, read from the
/// organization's own database. Adding a team works with and without
/// JavaScript.
#[component]
pub fn TenantHomePage() -> impl IntoView {
    let slug = match this_site() {
        Site::Tenant { slug } => slug,
        Site::Apex => String::new(),
    };
    let add_team = ServerAction::<AddTeam>::new();
    let home = Resource::new(move || add_team.version().get(), |_| tenant_home_data());
    // Made here and waited for in the one `Loaded` below, not inside the
    // account menu: a resource made inside a boundary's body is made twice
    // during SSR, and a boundary nested inside another can stall the
    // stream (see `components::loading`).
    let account = Resource::new(|| (), |_| get_account_menu());
    let signed_out = move |e: &AppError| {
        matches!(e, AppError::Unauthorized).then(|| {
            view! {
                <h1>{slug.clone()}</h1>
                <p data-testid="sign-in-required">
                    "This organization's pages are for its members. "
                    <a href="/login">"Log in"</a>
                    " to continue."
                </p>
            }
            .into_any()
        })
    };
    view! {
        <main class="card">
            <Loaded resource=(home, account) explain=signed_out transition=true let:loaded>
                <MemberHome home=loaded.0 account=loaded.1 add_team />
            </Loaded>
        </main>
    }
}

/// The home of a signed-in member: who they are, what is left to set up,
/// where to go, and the teams.
#[component]
fn MemberHome(
    home: TenantHome,
    account: Account,
    add_team: ServerAction<AddTeam>,
) -> impl IntoView {
    let may_manage_teams = home.role.grants(Permission::ManageTeams);
    let may_view_audit = home.role.grants(Permission::ViewAuditLog);
    view! {
        <Title text=home.org_name.clone() />
        <h1 data-testid="org-name">{home.org_name.clone()}</h1>
        <p class="muted">
            "Signed in as "
            <strong data-testid="signed-in-as">{home.email.clone()}</strong>
            " · "
            <span data-testid="role">{home.role.label()}</span>
        </p>
        <AccountMenu account />
        {(!home.email_verified).then(|| view! { <VerifyBanner email=home.email.clone() /> })}
        {home.onboarding.map(|step| view! { <OnboardingBanner org_name=home.org_name.clone() step /> })}
        <OrgNav may_view_audit />
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

/// The organization's pages; the audit log and API tokens only to those
/// who may see the audit log.
#[component]
fn OrgNav(may_view_audit: bool) -> impl IntoView {
    view! {
        <nav class="org-nav">
            <a href="/repositories" data-testid="nav-repositories">"Repositories"</a>
            <a href="/teams" data-testid="nav-teams">"Teams"</a>
            <a href="/rules" data-testid="nav-rules">"Mapping rules"</a>
            <a href="/labels" data-testid="nav-labels">"Labels"</a>
            <a href="/members" data-testid="nav-members">"Members"</a>
            {may_view_audit.then(|| view! {
                <a href="/audit" data-testid="nav-audit">"Audit log"</a>
                <a href="/api-tokens" data-testid="nav-api-tokens">"API tokens"</a>
            })}
        </nav>
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

/// The signed-in user's other organizations (switching goes through a
/// single-use handoff to the other host) and the log-out buttons.
#[component]
fn AccountMenu(account: Account) -> impl IntoView {
    let open = ServerAction::<OpenOrganization>::new();
    let error = action_error(open);
    let others: Vec<_> = account
        .organizations
        .into_iter()
        .filter(|org| Some(&org.slug) != account.current.as_ref())
        .take(MENU_ORGANIZATIONS as usize)
        .collect();
    // Besides this one and those listed.
    let unlisted = account.total.saturating_sub(1 + others.len() as u64);
    let all_at = account.all_at;
    view! {
        <nav class="account-menu">
            {(!others.is_empty()).then(|| view! {
                <details class="switcher" data-testid="switcher">
                    <summary>"Switch organization"</summary>
                    <ErrorBanner error />
                    <ul>
                        {others
                            .into_iter()
                            .map(|org| view! { <li><OpenButton org action=open /></li> })
                            .collect_view()}
                    </ul>
                    {(unlisted > 0).then(|| view! {
                        <a href=all_at data-testid="all-organizations">
                            {format!("All {} organizations", account.total)}
                        </a>
                    })}
                </details>
            })}
            <LogOutButtons />
        </nav>
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
