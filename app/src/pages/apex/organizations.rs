use crate::{
    api::auth::{get_account, LogOut, LogOutEverywhere, OpenOrganization, RestoreOrganization},
    components::{action_error, ErrorBanner, Loaded},
    model::{
        auth::{Account, Organization, RestorableOrganization},
        AppError,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/organizations` on the apex: where a user lands after logging in there,
/// and goes to one of their organizations.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    // Made here, above the list it changes: a restored organization moves
    // from the deleted ones to the others.
    let restore = ServerAction::<RestoreOrganization>::new();
    let account = Resource::new_blocking(move || restore.version().get(), |_| get_account());
    let signed_out = |e: &AppError| {
        matches!(e, AppError::Unauthorized).then(|| {
            view! {
                <h1>"Your organizations"</h1>
                <p data-testid="sign-in-required">
                    <a href="/login">"Log in"</a>
                    " to see the organizations you belong to."
                </p>
            }
            .into_any()
        })
    };
    view! {
        <Title text="Your organizations · Tenantry" />
        <main class="card">
            <Loaded resource=account explain=signed_out transition=true let:account>
                <Organizations account restore />
            </Loaded>
        </main>
    }
}

#[component]
fn Organizations(account: Account, restore: ServerAction<RestoreOrganization>) -> impl IntoView {
    let open = ServerAction::<OpenOrganization>::new();
    let error = action_error(open);
    let restorable = account.restorable.clone();
    view! {
        <h1>"Your organizations"</h1>
        <p class="muted">
            "Signed in as " <strong data-testid="signed-in-as">{account.email}</strong>
        </p>
        <ErrorBanner error />
        {if account.organizations.is_empty() {
            view! { <p>"You do not belong to any organization yet."</p> }.into_any()
        } else {
            view! {
                <ul class="organizations" data-testid="organizations">
                    {account
                        .organizations
                        .into_iter()
                        .map(|org| view! { <li><OpenButton org action=open /></li> })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
        {(!restorable.is_empty()).then(|| view! { <Restorable organizations=restorable restore /> })}
        <p><a href="/">"Create another organization"</a></p>
        <LogOutButtons />
    }
}

/// The organizations the user owns that an owner deleted, each with the
/// day it is erased and the button that brings it back.
#[component]
fn Restorable(
    organizations: Vec<RestorableOrganization>,
    restore: ServerAction<RestoreOrganization>,
) -> impl IntoView {
    let error = action_error(restore);
    view! {
        <section class="banner warning" data-testid="restorable">
            <h2>"Deleted organizations"</h2>
            <ErrorBanner error />
            <ul class="organizations">
                {organizations.into_iter().map(|org| view! {
                    <li>
                        <ActionForm action=restore attr:class="inline">
                            <input type="hidden" name="slug" value=org.slug.clone() />
                            <strong>{org.name}</strong>
                            <span class="muted">{format!(" · erased on {} · ", org.purged_on)}</span>
                            <button type="submit" class="link" data-testid=format!("restore-{}", org.slug)>"Restore"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// One organization, and the button that goes there signed in.
#[component]
pub fn OpenButton(org: Organization, action: ServerAction<OpenOrganization>) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="slug" value=org.slug.clone() />
            <button type="submit" class="link" data-testid=format!("open-{}", org.slug)>
                {org.name}
            </button>
            <span class="muted">" · " {org.role.label()}</span>
            {(org.status != "active").then(|| view! { <span class="muted">" · " {org.status}</span> })}
        </ActionForm>
    }
}

/// "Log out" (this host) and "Log out everywhere" (every session of the user).
#[component]
pub fn LogOutButtons() -> impl IntoView {
    let log_out = ServerAction::<LogOut>::new();
    let everywhere = ServerAction::<LogOutEverywhere>::new();
    view! {
        <div class="actions">
            <ActionForm action=log_out attr:class="inline">
                <button type="submit" class="button secondary" data-testid="log-out">"Log out"</button>
            </ActionForm>
            <ActionForm action=everywhere attr:class="inline">
                <button
                    type="submit"
                    class="link"
                    data-testid="log-out-everywhere"
                    title="Ends your sessions on every device, and the API tokens you created"
                >
                    "Log out everywhere"
                </button>
            </ActionForm>
        </div>
    }
}
