use crate::model::AppError;
use leptos::prelude::*;

/// A labelled input with its error message underneath. `error` is the
/// message for this field, if any; `value` is the initial value (what the
/// user sent, echoed back after a rejected submission without JavaScript).
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] hint: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let described_by = error_id.clone();
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                on:input=move |ev| {
                    if let Some(cb) = on_input {
                        cb.run(event_target_value(&ev));
                    }
                }
            />
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="field-error" id=error_id role="alert" data-field=name>
                {move || error.get()}
            </p>
        </div>
    }
}

/// The message for errors that belong to no single field.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().and_then(|e| match e {
            AppError::Validation(ref fields) if fields.get("form").is_none() => None,
            AppError::Validation(fields) => fields
                .get("form")
                .map(|m| view! { <p class="banner error" role="alert">{m.to_owned()}</p> }),
            other => Some(view! { <p class="banner error" role="alert">{other.to_string()}</p> }),
        })
    }
}
