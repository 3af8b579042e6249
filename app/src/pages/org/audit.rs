use crate::{
    api::audit::get_audit_log,
    components::{Alert, FieldShell, Loading},
    model::{
        audit::{AuditFilter, AuditPage as AuditLog},
        AppError,
    },
    pages::{org::OrgPage, query_string},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/audit` on an organization's host: every change, newest first, filtered
/// by actor, action and dates through a plain GET form (so the filter is
/// in the address, works without JavaScript, and the CSV link exports
/// exactly what is shown).
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| AuditFilter {
            actor: q.get("actor").unwrap_or_default(),
            action: q.get("action").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
        })
    };
    let log = Resource::new_blocking(filter, |f| get_audit_log(f.actor, f.action, f.from, f.to));

    view! {
        <Title text="Audit log" />
        <OrgPage children=move |_| view! {
            <h1>"Audit log"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    // The form is shown whatever the answer: a refused
                    // filter comes back in it, next to the dates.
                    let current = filter();
                    let result = log.await;
                    let error = result.as_ref().err().cloned();
                    let actions = result.as_ref().map(|p| p.actions.clone()).unwrap_or_default();
                    view! {
                        <Filters current actions error />
                        <Entries result />
                    }
                })}
            </Suspense>
        } />
    }
}

/// The filter form, filled with the `current` filter, and the CSV link
/// for exactly that filter. `error` is the refused filter's, if any.
#[component]
fn Filters(current: AuditFilter, actions: Vec<String>, error: Option<AppError>) -> impl IntoView {
    let export = format!(
        "/audit.csv{}",
        query_string(&[
            ("actor", &current.actor),
            ("action", &current.action),
            ("from", &current.from),
            ("to", &current.to),
        ])
    );
    let field_error = |field: &str| error.as_ref().and_then(|e| e.field_error(field));
    view! {
        <form method="get" action="/audit" class="filters">
            <FieldShell id="audit-actor" name="actor" label="Who">
                <input id="audit-actor" name="actor" type="search" value=current.actor.clone() placeholder="email" />
            </FieldShell>
            <FieldShell id="audit-action" name="action" label="Action">
                <select id="audit-action" name="action">
                    <option value="">"Any"</option>
                    {actions.into_iter().map(|a| {
                        let selected = a == current.action;
                        view! { <option value=a.clone() selected=selected>{a.clone()}</option> }
                    }).collect_view()}
                </select>
            </FieldShell>
            <FieldShell id="audit-from" name="from" label="From" error=field_error("from") described=true>
                <input id="audit-from" name="from" type="date" value=current.from.clone() aria-describedby="audit-from-error" />
            </FieldShell>
            <FieldShell id="audit-to" name="to" label="To" error=field_error("to") described=true>
                <input id="audit-to" name="to" type="date" value=current.to.clone() aria-describedby="audit-to-error" />
            </FieldShell>
            <button type="submit" class="button">"Filter"</button>
            <a class="button secondary" data-testid="audit-csv" href=export rel="external" download="">
                "Download CSV"
            </a>
        </form>
    }
}

/// The entries that match, or why there are none to show. A refused
/// filter shows nothing here: its message is in the form.
#[component]
fn Entries(result: Result<AuditLog, AppError>) -> impl IntoView {
    match result {
        Ok(page) if page.entries.is_empty() => view! {
            <p class="muted" data-testid="audit-empty">"No changes match this filter."</p>
        }.into_any(),
        Ok(page) => view! {
            <table class="audit" data-testid="audit-entries">
                <thead>
                    <tr><th>"Time"</th><th>"Who"</th><th>"Action"</th><th>"Target"</th><th>"Change"</th><th>"IP"</th></tr>
                </thead>
                <tbody>
                    {page.entries.into_iter().map(|e| view! {
                        <tr>
                            <td>{e.when}</td>
                            <td>{e.actor_email}</td>
                            <td><code>{e.action}</code></td>
                            <td>{e.target}</td>
                            <td>{change_text(e.before, e.after)}</td>
                            <td>{e.ip}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {page.truncated.then(|| view! {
                <p class="muted">"Only the newest entries are shown: narrow the filter, or download them all."</p>
            })}
        }.into_any(),
        Err(AppError::Validation(_)) => ().into_any(),
        Err(AppError::Unauthorized) => view! {
            <p data-testid="sign-in-required"><a href="/login">"Log in"</a>" to continue."</p>
        }.into_any(),
        Err(AppError::Forbidden) => view! {
            <Alert attr:data-testid="forbidden">"Only owners and admins can see the audit log."</Alert>
        }.into_any(),
        Err(e) => view! { <Alert>{e.to_string()}</Alert> }.into_any(),
    }
}

fn change_text(before: Option<String>, after: Option<String>) -> String {
    match (before, after) {
        (Some(b), Some(a)) => format!("{b} → {a}"),
        (None, Some(a)) => a,
        (Some(b), None) => format!("{b} → (removed)"),
        (None, None) => String::new(),
    }
}
