//! Pages, the application shell and the route table. `apex/` holds the
//! pages of the apex host, `org/` those of an organization's host; `/`
//! is either, as the server says.

mod apex;
mod org;

use crate::{api::site::get_site, components::Loading, model::site::Site};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

pub use apex::{
    FindOrganizationsPage, ForgotPasswordPage, LoginPage, OrganizationsPage, ResetPasswordPage,
    SignUpPage,
};
pub use org::{
    ApiTokensPage, AuditPage, InvitationPage, LabelsPage, MembersPage, OnboardingPage,
    RepositoriesPage, RepositoryPage, RulesPage, TeamsPage, TenantHomePage,
};

/// The HTML document rendered on the server around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Scripts run only with this response's nonce.
    #[cfg(feature = "ssr")]
    crate::server::web::headers::content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/tenantry.css" />
        <Title text="Tenantry" />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                // Async: the whole page is rendered before it is sent, so it is
                // complete without JavaScript.
                <Route path=path!("/") view=Home ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/organizations") view=OrganizationsPage ssr=SsrMode::Async />
                <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async />
                <Route path=path!("/members") view=MembersPage ssr=SsrMode::Async />
                <Route path=path!("/api-tokens") view=ApiTokensPage ssr=SsrMode::Async />
                <Route path=path!("/onboarding") view=OnboardingPage ssr=SsrMode::Async />
                <Route path=path!("/teams") view=TeamsPage ssr=SsrMode::Async />
                <Route path=path!("/repositories") view=RepositoriesPage ssr=SsrMode::Async />
                <Route path=path!("/repositories/:id") view=RepositoryPage ssr=SsrMode::Async />
                <Route path=path!("/labels") view=LabelsPage ssr=SsrMode::Async />
                <Route path=path!("/rules") view=RulesPage ssr=SsrMode::Async />
                <Route path=path!("/invitation") view=InvitationPage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/find-organizations") view=FindOrganizationsPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// `/` is the sign-up page on the apex and the organization's home on a
/// tenant host; the server says which.
#[component]
fn Home() -> impl IntoView {
    let site = Resource::new_blocking(|| (), |_| get_site());
    view! {
        <Suspense fallback=Loading>
            // Not a closure: the page is created once, when the answer is in.
            {Suspend::new(async move {
                match site.await {
                    Ok(Site::Apex) => view! { <SignUpPage /> }.into_any(),
                    Ok(Site::Tenant { slug }) => view! { <TenantHomePage slug /> }.into_any(),
                    Err(e) => view! { <main class="card"><p class="banner error">{e.to_string()}</p></main> }.into_any(),
                }
            })}
        </Suspense>
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
