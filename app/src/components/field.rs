//! Form fields: the frame every field shares (`FieldShell`) and the
//! labelled text input built on it (`Field`).

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
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let described_by = format!("{id}-error");
    view! {
        <FieldShell id=id.clone() name label error described=true>
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
        </FieldShell>
    }
}

/// The frame of a field whose control the page writes itself (a select, a
/// textarea, an input `Field` does not fit): the label, the control (and
/// its hint, if any) as `children`, and the error paragraph; the frame is
/// marked `has-error` while there is a message. Without `error` there is
/// no error paragraph (a filter's field).
#[component]
pub fn FieldShell(
    /// The control's id, which the label points at.
    #[prop(into)]
    id: String,
    /// The control's name, which the error paragraph carries as
    /// `data-field`.
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
    /// The control points at the error paragraph with
    /// `aria-describedby="{id}-error"`, so the paragraph gets that id.
    #[prop(optional)]
    described: bool,
    children: Children,
) -> impl IntoView {
    let error_id = described.then(|| format!("{id}-error"));
    let message = error.map(|error| {
        view! {
            <p class="field-error" id=error_id role="alert" data-field=name>
                {move || error.get()}
            </p>
        }
    });
    view! {
        <div class="field" class:has-error=move || error.is_some_and(|e| e.get().is_some())>
            <label for=id>{label}</label>
            {children()}
            {message}
        </div>
    }
}
