//! Pages, the application shell and the route table. `apex/` holds the
//! pages of the apex host, `org/` those of an organization's host; `/`
//! is either, as the server says.

mod apex;
mod org;

use crate::{
    api::site::{body_attributes, this_site},
    model::site::Site,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, LazyRoute, SsrMode,
};

pub use apex::{
    FindOrganizationsPage, ForgotPasswordPage, LoginPage, OrganizationsPage, ResetPasswordPage,
    SignUpPage,
};
pub use org::{
    ApiTokensPage, AuditPage, DashboardPage, DomainsSettingsPage, InvitationPage, LabelsPage,
    MembersPage, NotificationsPage, OnboardingPage, PlanSettingsPage, RepositoriesPage,
    RepositoryPage, RulesPage, SettingsPage, TeamsPage, TenantHomePage,
};

/// The HTML document rendered on the server around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Scripts run only with this response's nonce.
    #[cfg(feature = "ssr")]
    crate::server::web::headers::content_security_policy();
    // Which site this is, for the browser's `this_site`.
    let (site, slug) = body_attributes(&this_site());
    // The organization's colour, after Tenantry's stylesheet.
    #[cfg(feature = "ssr")]
    let brand = crate::server::web::context::brand_color()
        .map(|color| crate::server::web::brand::href(&color));
    #[cfg(not(feature = "ssr"))]
    let brand: Option<String> = None;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
                {brand.map(|href| view! { <link rel="stylesheet" href=href /> })}
            </head>
            <body data-site=site data-slug=slug>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // `/` is the sign-up page on the apex and the organization's home on a
    // tenant host: only the one this host shows is downloaded.
    let home = match this_site() {
        Site::Apex => Either::Left(Lazy::<SignUpRoute>::new()),
        Site::Tenant { .. } => Either::Right(Lazy::<TenantHomeRoute>::new()),
    };
    view! {
        <Stylesheet id="leptos" href="/pkg/tenantry.css" />
        <Title text="Tenantry" />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                // Async: the whole page is rendered before it is sent, so it is
                // complete without JavaScript. Lazy: each page's code is its
                // own wasm chunk, which the browser loads when it first shows
                // the page (see `lazy_page!`).
                <Route path=path!("/") view=home ssr=SsrMode::Async />
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/organizations") view={Lazy::<OrganizationsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/members") view={Lazy::<MembersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/api-tokens") view={Lazy::<ApiTokensRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/settings/domains") view={Lazy::<DomainsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/settings/plan") view={Lazy::<PlanRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/onboarding") view={Lazy::<OnboardingRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/teams") view={Lazy::<TeamsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/repositories") view={Lazy::<RepositoriesRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/repositories/:id") view={Lazy::<RepositoryRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/labels") view={Lazy::<LabelsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/rules") view={Lazy::<RulesRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/invitation") view={Lazy::<InvitationRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/find-organizations") view={Lazy::<FindOrganizationsRoute>::new()} ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// Declares `$route`, the route of the page component `$page`, whose code
/// the browser loads only when it first shows the page: `cargo leptos
/// --split` moves `$chunk::view` (and what only it uses) into wasm chunks
/// of its own, so the first page of a host downloads the shared runtime and
/// its own view, not every page of the product (BENCHMARKS.md, "The hydrate
/// bundle"). For the page the server rendered, `hydrate_lazy` fetches its
/// chunks before hydrating it.
///
/// `lazy` only in the browser build, not `#[lazy_route]`: on the server a
/// lazy function registers its chunks for `<link rel="preload">` tags, over
/// a hundred per page, which cost every view CPU and bytes; without them
/// the browser asks for the chunks once the main module runs. The pages
/// fetch their own data, so the route's data half is empty.
macro_rules! lazy_page {
    ($route:ident, $page:ident, $chunk:ident) => {
        struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                let view = $chunk::view().await;
                #[cfg(feature = "hydrate")]
                Effect::new(|_| mark_hydrated());
                view
            }

            // The router hydrates a page once this is done, and expects its
            // view at once: the chunk must be here by then.
            async fn preload() {
                #[cfg(feature = "hydrate")]
                $chunk::__preload_view().await;
            }
        }

        mod $chunk {
            use super::*;

            #[cfg_attr(feature = "hydrate", leptos::lazy($chunk))]
            pub async fn view() -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(SignUpRoute, SignUpPage, sign_up_page);
lazy_page!(TenantHomeRoute, TenantHomePage, tenant_home_page);
lazy_page!(LoginRoute, LoginPage, login_page);
lazy_page!(OrganizationsRoute, OrganizationsPage, organizations_page);
lazy_page!(DashboardRoute, DashboardPage, dashboard_page);
lazy_page!(AuditRoute, AuditPage, audit_page);
lazy_page!(MembersRoute, MembersPage, members_page);
lazy_page!(ApiTokensRoute, ApiTokensPage, api_tokens_page);
lazy_page!(SettingsRoute, SettingsPage, settings_page);
lazy_page!(DomainsRoute, DomainsSettingsPage, domains_settings_page);
lazy_page!(PlanRoute, PlanSettingsPage, plan_settings_page);
lazy_page!(NotificationsRoute, NotificationsPage, notifications_page);
lazy_page!(OnboardingRoute, OnboardingPage, onboarding_page);
lazy_page!(TeamsRoute, TeamsPage, teams_page);
lazy_page!(RepositoriesRoute, RepositoriesPage, repositories_page);
lazy_page!(RepositoryRoute, RepositoryPage, repository_page);
lazy_page!(LabelsRoute, LabelsPage, labels_page);
lazy_page!(RulesRoute, RulesPage, rules_page);
lazy_page!(InvitationRoute, InvitationPage, invitation_page);
lazy_page!(
    ForgotPasswordRoute,
    ForgotPasswordPage,
    forgot_password_page
);
lazy_page!(ResetPasswordRoute, ResetPasswordPage, reset_password_page);
lazy_page!(
    FindOrganizationsRoute,
    FindOrganizationsPage,
    find_organizations_page
);

/// Marks the document as interactive: `<body data-hydrated>`, set once the
/// page the server rendered is hydrated (effects run after it), for the
/// browser tests, which must not mistake a click before hydration (a
/// plain form post or link) for the app's behaviour after it.
#[cfg(feature = "hydrate")]
fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <main class="card">
            <h1>"Page not found"</h1>
            <p><a href="/">"Go to the home page"</a></p>
        </main>
    }
}

/// `?key=value&…` from the pairs whose value is not empty, percent-encoded;
/// empty when all are.
pub(crate) fn query_string(pairs: &[(&str, &str)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", percent_encode(value)))
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_strings_skip_empty_values_and_encode_the_rest() {
        assert_eq!(super::query_string(&[("q", ""), ("role", "")]), "");
        assert_eq!(
            super::query_string(&[("actor", "a@b c"), ("action", ""), ("from", "2026-01-02")]),
            "?actor=a%40b%20c&from=2026-01-02"
        );
    }
}
