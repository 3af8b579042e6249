//! The application shell of an organization's host: every page of
//! `SLUG.BASE` for its members is an [`OrgPage`], with one header that
//! names the organization, shows where the reader is among the pages their
//! role may open, and holds the organization switcher and the account
//! menu.

use crate::{
    api::{
        auth::{get_org_shell, OpenOrganization},
        site::this_site,
    },
    components::{action_error, ErrorBanner, Loaded, SignInRequired},
    model::{
        auth::{Account, OrgShell, MENU_ORGANIZATIONS},
        site::Site,
        AppError, Permission,
    },
    pages::apex::organizations::{LogOutButtons, OpenButton},
};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The pages in the navigation, in its order: address, label, test id, and
/// the permission that opens it.
const PAGES: [(&str, &str, &str, Permission); 10] = [
    ("/", "Home", "nav-home", Permission::ViewOrganization),
    (
        "/dashboard",
        "Dashboard",
        "nav-dashboard",
        Permission::ViewAuditLog,
    ),
    ("/teams", "Teams", "nav-teams", Permission::ViewOrganization),
    (
        "/repositories",
        "Repositories",
        "nav-repositories",
        Permission::ViewOrganization,
    ),
    (
        "/rules",
        "Mapping rules",
        "nav-rules",
        Permission::ViewOrganization,
    ),
    (
        "/labels",
        "Labels",
        "nav-labels",
        Permission::ViewOrganization,
    ),
    (
        "/members",
        "Members",
        "nav-members",
        Permission::ViewOrganization,
    ),
    ("/audit", "Audit log", "nav-audit", Permission::ViewAuditLog),
    (
        "/api-tokens",
        "API tokens",
        "nav-api-tokens",
        Permission::ManageSettings,
    ),
    (
        "/settings",
        "Settings",
        "nav-settings",
        Permission::ManageSettings,
    ),
];

/// A page of the organization: the shell's header, then `children` with
/// what the shell knows (the member's role decides which forms a page
/// shows; the server checks every change again). Nobody signed in: the
/// log-in link instead.
///
/// The shell's data is one resource made here, at the top of the page, and
/// read in this one boundary: a page makes its own resources at its top
/// too, never inside `children` (see `components::loading`).
#[component]
pub fn OrgPage<F, V>(
    children: F,
    /// Reads the shell again when this changes (a page that renames the
    /// organization), keeping the page on screen meanwhile.
    #[prop(optional, into)]
    refresh: Option<Signal<usize>>,
) -> impl IntoView
where
    F: Fn(OrgShell) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let shell = Resource::new_blocking(move || refresh.map(|r| r.get()), |_| get_org_shell());
    let signed_out = |e: &AppError| {
        matches!(e, AppError::Unauthorized).then(|| {
            let slug = match this_site() {
                Site::Tenant { slug } => slug,
                Site::Apex => String::new(),
            };
            view! {
                <header class="app-header">
                    <span class="org-title">{slug}</span>
                    <a class="button secondary" href="/login">"Log in"</a>
                </header>
                <main id="main" class="card wide">
                    <SignInRequired />
                </main>
            }
            .into_any()
        })
    };
    view! {
        <Loaded resource=shell explain=signed_out transition=true children=move |shell: OrgShell| {
            let children = children.clone();
            view! {
                <a class="skip-link" href="#main">"Skip to content"</a>
                <OrgHeader shell=shell.clone() />
                <main id="main" class="card wide">{children(shell).into_any()}</main>
            }
            .into_any()
        } />
    }
}

/// The organization's name, the navigation and the account menu.
#[component]
fn OrgHeader(shell: OrgShell) -> impl IntoView {
    view! {
        <header class="app-header">
            <a class="org-title" href="/" data-testid="shell-org-name">
                {shell.logo.map(|src| view! {
                    <img class="org-logo" src=src alt="" data-testid="shell-logo" />
                })}
                {shell.org_name}
            </a>
            <OrgNav shell_role=shell.role />
            <AccountMenu email=shell.email role=shell.role.label() account=shell.account />
        </header>
    }
    .into_any()
}

/// The pages the member's role may open, the current one marked for
/// screen readers and the eye (`aria-current`). Each page makes its own
/// shell, so the mark is read once, from the address the page is at.
#[component]
fn OrgNav(shell_role: crate::model::Role) -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    let current = |href: &str| {
        let here = match path.strip_prefix(href) {
            Some(rest) if href == "/" => rest.is_empty(),
            Some(rest) => rest.is_empty() || rest.starts_with('/'),
            None => false,
        };
        here.then_some("page")
    };
    view! {
        <nav class="org-nav" aria-label="Organization">
            <ul>
                {PAGES
                    .into_iter()
                    .filter(|(.., needs)| shell_role.grants(*needs))
                    .map(|(href, label, testid, _)| view! {
                        <li>
                            <a href=href data-testid=testid aria-current=current(href)>{label}</a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// Who is signed in with which role, the signed-in user's other
/// organizations (switching goes through a single-use handoff to the other
/// host) and the log-out buttons, folded into one disclosure.
#[component]
fn AccountMenu(email: String, role: &'static str, account: Account) -> impl IntoView {
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
        <details class="account-menu" data-testid="account-menu">
            <summary>
                <span class="visually-hidden">"Account menu: "</span>
                <span data-testid="signed-in-as">{email}</span>
                <span class="muted">" · " <span data-testid="role">{role}</span></span>
            </summary>
            <div class="menu-body">
                {(!others.is_empty()).then(|| view! {
                    <div class="switcher" data-testid="switcher">
                        <h2 class="menu-heading">"Switch organization"</h2>
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
                    </div>
                })}
                <a href="/notifications" data-testid="my-notifications">"Email notifications"</a>
                <LogOutButtons />
            </div>
        </details>
    }
    .into_any()
}
