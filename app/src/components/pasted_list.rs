//! A textarea for a pasted list, one item a line, whose server function
//! takes the valid lines and sends back the others: the field keeps those
//! lines to fix and send again, each with its reason (field errors
//! `line:N`), and says what went in.

use crate::model::AppError;
use leptos::prelude::*;

/// The lines `error` refused, in order: number, text and reason.
fn refused_lines(error: Option<AppError>) -> Vec<(usize, String, String)> {
    let Some(AppError::Validation(fields)) = error else {
        return Vec::new();
    };
    let mut lines: Vec<(usize, String, String)> = fields
        .errors
        .iter()
        .filter_map(|(key, message)| {
            let line = key.strip_prefix("line:")?.parse().ok()?;
            let text = fields.value(key).unwrap_or_default().to_owned();
            Some((line, text, message.clone()))
        })
        .collect();
    lines.sort();
    lines
}

/// The list field named `list` of a form: `error` is its action's, `done`
/// what the last list did (shown as a status).
#[component]
pub fn PastedList(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] placeholder: String,
    #[prop(optional, into)] hint: Option<String>,
    error: Signal<Option<AppError>>,
    #[prop(into)] done: Signal<Option<String>>,
    /// The test id of the status paragraph.
    done_testid: &'static str,
) -> impl IntoView {
    let kept = error.get_untracked().and_then(|e| e.field_value("list"));
    // In the browser, an answer changes the text in place as a posted form
    // would: the refused lines to fix, or nothing once all went in.
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move || {
        let text = match (error.get(), done.get()) {
            (Some(error), _) => error.field_value("list"),
            (None, Some(_)) => Some(String::new()),
            (None, None) => None,
        };
        if let (Some(text), Some(area)) = (text, textarea.get()) {
            area.set_value(&text);
        }
    });
    let error_id = format!("{id}-error");
    let hint = hint.map(|hint| view! { <p class="hint">{hint}</p> });
    view! {
        // Not a FieldShell: the frame is marked while any line is refused,
        // though the list itself may have no message.
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id name="list" rows="6" aria-describedby=error_id.clone() placeholder=placeholder node_ref=textarea>
                {kept.unwrap_or_default()}
            </textarea>
            {hint}
            <p class="field-error" id=error_id role="alert" data-field="list">
                {move || error.get().and_then(|e| e.field_error("list").or_else(|| match e {
                    AppError::Validation(_) => None,
                    other => Some(other.to_string()),
                }))}
            </p>
            <ul class="line-errors" data-testid="line-errors">
                {move || refused_lines(error.get()).into_iter().map(|(line, text, message)| view! {
                    <li><strong>{format!("Line {line}")}</strong>" "<code>{text}</code>": "{message}</li>
                }).collect_view()}
            </ul>
            <p class="muted" role="status" data-testid=done_testid>{move || done.get()}</p>
        </div>
    }
}
