use crate::{
    api::{
        auth::{get_account, OpenOrganization, ResendVerification},
        teams::{tenant_home_data, AddTeam},
    },
    components::{ErrorBanner, Field},
    model::{auth::Account, onboarding::Step, AppError, Permission},
    pages::apex::organizations::{LogOutButtons, OpenButton},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// An organization's home: who is signed in, and its teams, read from the
/// organization's own database. Adding a team works with and without
/// JavaScript.
#[component]
pub fn TenantHomePage(slug: String) -> impl IntoView {
    let add_team = ServerAction::<AddTeam>::new();
    let home = Resource::new(move || add_team.version().get(), |_| tenant_home_data());
    // Created here, not inside the account menu: the menu renders inside the
    // Transition below, whose body can run twice during SSR (once before
    // `home` is in); a resource made there would be made twice on the
    // server, the first time outside the request, and the browser would
    // hydrate the wrong one.
    let account = Resource::new(|| (), |_| get_account());
    let error = Signal::derive(move || add_team.value().get().and_then(Result::err));
    let name_error = Signal::derive(move || error.get().and_then(|e| e.field_error("name")));
    let pending = add_team.pending();

    view! {
        <main class="card">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        match home.await {
                            Ok(home) => {
                                // Keep what was typed when the team was rejected.
                                let typed = error.get_untracked().and_then(|e| e.field_value("name"));
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
                                    {home.onboarding.map(|step| view! {
                                        <div class="banner info" data-testid="onboarding-banner">
                                            <p>
                                                <strong>"Finish setting up " {home.org_name.clone()}</strong>
                                                {format!(": step {} of 4, {}.", step.number(), step.title().to_lowercase())}
                                            </p>
                                            <a class="button" href="/onboarding" data-testid="resume-onboarding">
                                                {if step == Step::Teams { "Start" } else { "Continue" }}
                                            </a>
                                        </div>
                                    })}
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
                                    <section>
                                        <h2>
                                            "Teams "
                                            <span class="count" data-testid="team-count">{home.team_count}</span>
                                        </h2>
                                        <ul class="teams">
                                            {home.teams.into_iter().map(|team| view! { <li>{team.name}</li> }).collect_view()}
                                        </ul>
                                        {if may_manage_teams {
                                            view! {
                                                <ActionForm action=add_team>
                                                    <ErrorBanner error />
                                                    <Field
                                                        label="New team"
                                                        name="name"
                                                        value=typed.unwrap_or_default()
                                                        error=name_error
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
                                        }}
                                    </section>
                                }
                                .into_any()
                            }
                            Err(AppError::Unauthorized) => view! {
                                <h1>{slug}</h1>
                                <p data-testid="sign-in-required">
                                    "This organization's pages are for its members. "
                                    <a href="/login">"Log in"</a>
                                    " to continue."
                                </p>
                            }
                            .into_any(),
                            Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </main>
    }
}

/// The signed-in user's other organizations (switching goes through a
/// single-use handoff to the other host) and the log-out buttons.
#[component]
fn AccountMenu(account: Resource<Result<Account, AppError>>) -> impl IntoView {
    let open = ServerAction::<OpenOrganization>::new();
    let error = Signal::derive(move || open.value().get().and_then(Result::err));
    view! {
        <nav class="account-menu">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let others: Vec<_> = account
                        .await
                        .map(|a| {
                            a.organizations
                                .into_iter()
                                .filter(|org| Some(&org.slug) != a.current.as_ref())
                                .collect()
                        })
                        .unwrap_or_default();
                    (!others.is_empty()).then(|| view! {
                        <details class="switcher" data-testid="switcher">
                            <summary>"Switch organization"</summary>
                            <ErrorBanner error />
                            <ul>
                                {others
                                    .into_iter()
                                    .map(|org| view! { <li><OpenButton org action=open /></li> })
                                    .collect_view()}
                            </ul>
                        </details>
                    })
                })}
            </Transition>
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
