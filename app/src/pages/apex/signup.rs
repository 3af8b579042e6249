use crate::{
    api::signup::{check_subdomain, SignUp},
    components::{action_error, field_error, ErrorBanner, Field},
    model::{site::SlugAvailability, slug::validate_slug},
};
use leptos::prelude::*;

/// The apex landing page: create an organization.
///
/// Works without JavaScript (a plain form post; errors come back in the URL
/// and are shown next to their fields with the values re-filled). After
/// hydration the subdomain's availability is checked as the user types.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = action_error(action);
    // After a rejected post without JavaScript, the error carries what the
    // user typed (never the password): fill the form with it again.
    let echoed = error.get_untracked();
    let echo = move |field: &str| echoed.as_ref().and_then(|e| e.field_value(field));

    // The live hint. Only input events (in the browser) set it, so the
    // server renders it empty; answers older than the latest keystroke are
    // dropped when they arrive late.
    let availability = RwSignal::new(None::<SlugAvailability>);
    let latest_check = StoredValue::new(0u64);
    let on_subdomain = Callback::new(move |value: String| {
        let check = latest_check.get_value() + 1;
        latest_check.set_value(check);
        leptos::task::spawn_local(async move {
            let answer = availability_of(value.trim().to_owned()).await;
            if latest_check.get_value() == check {
                availability.set(answer);
            }
        });
    });
    // What was typed before the page hydrated reached no input handler:
    // check it once hydration is done (effects run only in the browser).
    Effect::new(move || {
        use leptos::wasm_bindgen::JsCast;
        let typed = document()
            .get_element_by_id("field-subdomain")
            .and_then(|field| field.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default();
        if !typed.trim().is_empty() {
            on_subdomain.run(typed);
        }
    });
    let pending = action.pending();

    view! {
        <main class="card signup">
            <h1>"Create your organization"</h1>
            <p class="lead">
                "Your organization gets its own address and its own database."
            </p>
            <p class="muted">
                "Already have an account? " <a href="/login">"Log in"</a>
            </p>
            <ActionForm action>
                <ErrorBanner error />
                <Field
                    label="Organization name"
                    name="org_name"
                    value=echo("org_name").unwrap_or_default()
                    autocomplete="organization"
                    error=field_error(error, "org_name")
                />
                <Field
                    label="Subdomain"
                    name="subdomain"
                    value=echo("subdomain").unwrap_or_default()
                    hint="3–40 lowercase letters, digits or hyphens."
                    error=field_error(error, "subdomain")
                    on_input=on_subdomain
                />
                <p
                    class="availability"
                    data-testid="availability"
                    aria-live="polite"
                    class:available=move || availability.get().is_some_and(|a| a.available)
                >
                    {move || availability.get().map(|a| a.message)}
                </p>
                <Field
                    label="Email"
                    name="email"
                    input_type="email"
                    value=echo("email").unwrap_or_default()
                    autocomplete="email"
                    error=field_error(error, "email")
                />
                <Field
                    label="Password"
                    name="password"
                    input_type="password"
                    autocomplete="new-password"
                    hint="At least 8 characters."
                    error=field_error(error, "password")
                />
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating your organization…" } else { "Create organization" }}
                </button>
            </ActionForm>
        </main>
    }
}

/// The live hint: shape problems are answered at once, in the browser; only
/// well-formed slugs are sent to the server to ask whether they are taken.
async fn availability_of(slug: String) -> Option<SlugAvailability> {
    if slug.is_empty() {
        return None;
    }
    if let Err(e) = validate_slug(&slug) {
        return Some(SlugAvailability {
            slug,
            available: false,
            message: e.to_string(),
        });
    }
    Some(match check_subdomain(slug.clone()).await {
        Ok(answer) => answer,
        Err(e) => SlugAvailability {
            slug,
            available: false,
            message: e.to_string(),
        },
    })
}
