//! The messages a page shows above its content: errors and the sign-in
//! prompt.

use crate::model::AppError;
use leptos::prelude::*;

/// An error message as a banner, announced to screen readers. Add
/// `attr:data-testid` to name it for the tests.
#[component]
pub fn Alert(children: Children) -> impl IntoView {
    view! { <p class="banner error" role="alert">{children()}</p> }
}

/// The message for errors that belong to no single field: nothing for a
/// refusal whose messages all sit next to their fields.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().and_then(|e| match e {
            AppError::Validation(ref fields) if fields.get("form").is_none() => None,
            AppError::Validation(fields) => fields
                .get("form")
                .map(str::to_owned)
                .map(|m| view! { <Alert>{m}</Alert> }),
            other => Some(view! { <Alert>{other.to_string()}</Alert> }),
        })
    }
}

/// What a members-only page shows when nobody is signed in.
#[component]
pub fn SignInRequired() -> impl IntoView {
    view! {
        <p data-testid="sign-in-required">"Please "<a href="/login">"log in"</a>" to continue."</p>
    }
}
