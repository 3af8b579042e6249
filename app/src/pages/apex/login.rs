use crate::{
    api::{auth::LogIn, site::this_site},
    components::{action_error, field_error, ErrorBanner, Field},
    model::site::Site,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/login`, on the apex and on every organization's host. Works without
/// JavaScript: a rejected post comes back with the message and the email
/// filled in again.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let error = action_error(action);
    let echoed = error.get_untracked().and_then(|e| e.field_value("email"));
    let pending = action.pending();
    let query = use_query_map();
    let was_reset = move || query.with(|q| q.get("reset").as_deref() == Some("done"));

    view! {
        <Title text="Log in · Tenantry" />
        <main class="card login">
            {match this_site() {
                Site::Tenant { slug } => view! {
                    <h1>"Log in to " <span data-testid="login-org">{slug}</span></h1>
                }.into_any(),
                Site::Apex => view! { <h1>"Log in to Tenantry"</h1> }.into_any(),
            }}
            {move || was_reset().then(|| view! {
                <p class="banner success" role="status" data-testid="password-reset">
                    "Your password is changed, every session of yours has ended, and so have the API tokens you created. Log in with the new one."
                </p>
            })}
            <ActionForm action>
                <ErrorBanner error />
                <Field
                    label="Email"
                    name="email"
                    input_type="email"
                    value=echoed.unwrap_or_default()
                    autocomplete="username"
                    error=field_error(error, "email")
                />
                <Field
                    label="Password"
                    name="password"
                    input_type="password"
                    autocomplete="current-password"
                    error=field_error(error, "password")
                />
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Logging in…" } else { "Log in" }}
                </button>
            </ActionForm>
            <p class="muted">
                <a href="/forgot-password" data-testid="forgot-password">"Forgot your password?"</a>
                {(this_site() == Site::Apex).then(|| view! {
                    " · "
                    <a href="/find-organizations" data-testid="find-organizations">"Find my organizations"</a>
                })}
            </p>
        </main>
    }
}
