//! `/settings`: the organization's name, and to its owners the danger
//! zone, where they delete it (restorable from the apex for a grace
//! period). Both forms work with and without JavaScript.

use crate::{
    api::settings::{get_org_settings, DeleteOrganization, RenameOrganization},
    components::{action_error, field_error, ErrorBanner, Field, FieldShell, Loaded},
    model::settings::{OrgSettings, SAVED_PARAMETER},
    pages::org::OrgPage,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let rename = ServerAction::<RenameOrganization>::new();
    let delete = ServerAction::<DeleteOrganization>::new();
    let settings = Resource::new_blocking(move || rename.version().get(), |_| get_org_settings());
    view! {
        <Title text="Settings" />
        // A new name shows in the shell's header at once.
        <OrgPage refresh=Signal::derive(move || rename.version().get()) children=move |_| view! {
            <h1>"Settings"</h1>
            <Loaded resource=settings transition=true let:settings>
                <General settings=settings.clone() rename />
                {settings.may_delete.then(|| view! { <DangerZone settings delete /> })}
            </Loaded>
        } />
    }
}

/// The organization's name.
#[component]
fn General(settings: OrgSettings, rename: ServerAction<RenameOrganization>) -> impl IntoView {
    let error = action_error(rename);
    let typed = error.get_untracked().and_then(|e| e.field_value("name"));
    let query = use_query_map();
    let saved = move || {
        let in_place = matches!(rename.value().get(), Some(Ok(_)));
        let posted =
            query.with(|q| q.get(SAVED_PARAMETER).is_some()) && rename.value().get().is_none();
        (in_place || posted).then(|| {
            view! {
                <p class="banner success" role="status" data-testid="saved">"Saved."</p>
            }
        })
    };
    view! {
        <section aria-labelledby="general">
            <h2 id="general">"General"</h2>
            <ActionForm action=rename attr:data-testid="rename-form">
                <ErrorBanner error />
                <Field
                    label="Organization name"
                    name="name"
                    value=typed.unwrap_or(settings.name)
                    hint="Shown on every page and in the mail Tenantry sends for it."
                    error=field_error(error, "name")
                />
                <p class="muted">"Address: " <code>{settings.host}</code></p>
                <button type="submit" class="button" disabled=move || rename.pending().get()>"Save"</button>
            </ActionForm>
            {saved}
        </section>
    }
    .into_any()
}

/// Deleting the organization: the password again, and its subdomain typed.
#[component]
fn DangerZone(settings: OrgSettings, delete: ServerAction<DeleteOrganization>) -> impl IntoView {
    let error = action_error(delete);
    let typed = error
        .get_untracked()
        .and_then(|e| e.field_value("slug"))
        .unwrap_or_default();
    let slug_error = field_error(error, "slug");
    let label = format!("Type {} to confirm", settings.slug);
    view! {
        <section class="danger-zone" aria-labelledby="danger-zone" data-testid="danger-zone">
            <h2 id="danger-zone">"Danger zone"</h2>
            <p>
                "Deleting " <strong>{settings.name.clone()}</strong>
                " makes it unreachable at once, for every member and API token. "
                {format!(
                    "For {} days an owner can restore it from the organizations page; then it is erased with all its data.",
                    settings.grace_days
                )}
            </p>
            <ActionForm action=delete attr:data-testid="delete-form">
                <ErrorBanner error />
                <Field
                    label="Your password"
                    name="password"
                    input_type="password"
                    autocomplete="current-password"
                    error=field_error(error, "password")
                />
                <FieldShell id="field-slug" name="slug" label=label error=slug_error described=true>
                    <input
                        id="field-slug"
                        name="slug"
                        value=typed
                        autocomplete="off"
                        aria-invalid=move || if slug_error.get().is_some() { "true" } else { "false" }
                        aria-describedby="field-slug-error"
                    />
                </FieldShell>
                <button type="submit" class="button danger" data-testid="delete-organization" disabled=move || delete.pending().get()>
                    "Delete this organization"
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}
