//! `/settings`: the organization's name, how its pages write dates and
//! times, its colour and logo, and to its owners the subdomain and the
//! danger zone, where they delete it (restorable from the apex for a grace
//! period). Every form works with and without JavaScript.

use crate::{
    api::settings::{
        get_org_settings, ChangeSubdomain, DeleteOrganization, RemoveLogo, RenameOrganization,
        UpdateBranding, UpdateDisplay, UploadLogo,
    },
    components::{
        action_error, field_error, returned_error, ErrorBanner, Field, FieldShell, Loaded,
    },
    model::settings::{
        DateFormat, OrgSettings, FORMER_SUBDOMAIN_DAYS, LOGO_MAX_BYTES, LOGO_SAVED_PARAMETER,
        LOGO_SIDE, LOGO_TYPES, MOVED_PARAMETER, SAVED_PARAMETER,
    },
    pages::org::OrgPage,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let rename = ServerAction::<RenameOrganization>::new();
    let delete = ServerAction::<DeleteOrganization>::new();
    let display = ServerAction::<UpdateDisplay>::new();
    let branding = ServerAction::<UpdateBranding>::new();
    let remove_logo = ServerAction::<RemoveLogo>::new();
    let settings = Resource::new_blocking(
        move || {
            (
                rename.version().get(),
                display.version().get(),
                branding.version().get(),
                remove_logo.version().get(),
            )
        },
        |_| get_org_settings(),
    );
    view! {
        <Title text="Settings" />
        // A new name shows in the shell's header at once.
        <OrgPage refresh=Signal::derive(move || rename.version().get()) children=move |_| view! {
            <h1>"Settings"</h1>
            <p><a href="/settings/plan" data-testid="plan-link">"Plan and usage"</a>": what the organization may hold, and its plan."</p>
            <Loaded resource=settings transition=true let:settings>
                <General settings=settings.clone() rename />
                <DatesAndTimes settings=settings.clone() display />
                <Branding settings=settings.clone() branding remove_logo />
                {settings.owner.then(|| view! { <Subdomain settings=settings.clone() /> })}
                {settings.owner.then(|| view! { <DangerZone settings delete /> })}
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

/// The organization's subdomain, for owners. Once it changed, the browser
/// goes on to this page on the new subdomain, signed in there (with or
/// without JavaScript: the server function answers with a redirect).
#[component]
fn Subdomain(settings: OrgSettings) -> impl IntoView {
    let change = ServerAction::<ChangeSubdomain>::new();
    let error = action_error(change);
    let typed = error
        .get_untracked()
        .and_then(|e| e.field_value("subdomain"))
        .unwrap_or(settings.slug);
    let query = use_query_map();
    let moved = move || {
        query.with(|q| q.get(MOVED_PARAMETER).is_some()).then(|| {
            view! {
                <p class="banner success" role="status" data-testid="subdomain-moved">
                    "The organization is at its new address now. The old one leads here."
                </p>
            }
        })
    };
    let former = settings.former_subdomains;
    view! {
        <section aria-labelledby="subdomain">
            <h2 id="subdomain">"Subdomain"</h2>
            {moved}
            <ActionForm action=change attr:data-testid="subdomain-form" attr:class="inline-form">
                <ErrorBanner error />
                <Field
                    label="Subdomain"
                    name="subdomain"
                    value=typed
                    autocomplete="off"
                    hint=format!(
                        "The current address keeps leading here for {FORMER_SUBDOMAIN_DAYS} days, and nobody else can take it meanwhile. Members stay signed in; API tokens keep working."
                    )
                    error=field_error(error, "subdomain")
                />
                <button type="submit" class="button" disabled=move || change.pending().get()>"Change subdomain"</button>
            </ActionForm>
            <p>
                <a href="/settings/domains" data-testid="custom-domains-link">"Custom domains"</a>
                ": serve the organization at an address of your own too."
            </p>
            {(!former.is_empty()).then(|| view! {
                <h3>"Former subdomains"</h3>
                <ul data-testid="former-subdomains">
                    {former.into_iter().map(|f| view! {
                        <li><code>{f.slug}</code>" leads here until "{f.held_until}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}

/// The time zone and date format every page of the organization uses.
#[component]
fn DatesAndTimes(settings: OrgSettings, display: ServerAction<UpdateDisplay>) -> impl IntoView {
    let error = action_error(display);
    let typed_zone = error
        .get_untracked()
        .and_then(|e| e.field_value("time_zone"))
        .unwrap_or(settings.time_zone);
    let saved = move || {
        matches!(display.value().get(), Some(Ok(()))).then(|| {
            view! {
                <p class="banner success" role="status" data-testid="display-saved">"Saved."</p>
            }
        })
    };
    view! {
        <section aria-labelledby="dates-and-times">
            <h2 id="dates-and-times">"Dates and times"</h2>
            <ActionForm action=display attr:data-testid="display-form" attr:class="inline-form">
                <ErrorBanner error />
                <FieldShell id="field-time-zone" name="time_zone" label="Time zone" error=field_error(error, "time_zone") described=true>
                    <select id="field-time-zone" name="time_zone" aria-describedby="field-time-zone-error">
                        {settings.time_zones.into_iter().map(|zone| {
                            let selected = zone == typed_zone;
                            view! { <option value=zone.clone() selected=selected>{zone.clone()}</option> }
                        }).collect_view()}
                    </select>
                </FieldShell>
                <FieldShell id="field-date-format" name="date_format" label="Date format" error=field_error(error, "date_format") described=true>
                    <select id="field-date-format" name="date_format" aria-describedby="field-date-format-error">
                        {DateFormat::ALL.into_iter().map(|format| view! {
                            <option value=format.as_str() selected=format == settings.date_format>{format.example()}</option>
                        }).collect_view()}
                    </select>
                </FieldShell>
                <button type="submit" class="button" disabled=move || display.pending().get()>"Save"</button>
            </ActionForm>
            <p class="muted" data-testid="now">"Now: " {settings.now}</p>
            {saved}
        </section>
    }
    .into_any()
}

/// The primary colour of the organization's pages: a colour picker (a
/// text field where the browser has none), checked for contrast with white
/// text on the server. The new colour shows from the next page on.
#[component]
fn Branding(
    settings: OrgSettings,
    branding: ServerAction<UpdateBranding>,
    remove_logo: ServerAction<RemoveLogo>,
) -> impl IntoView {
    let logo = settings.logo.clone();
    let error = action_error(branding);
    let typed = error
        .get_untracked()
        .and_then(|e| e.field_value("brand_color"))
        .unwrap_or(settings.brand_color);
    let saved = move || {
        matches!(branding.value().get(), Some(Ok(()))).then(|| {
            view! {
                <p class="banner success" role="status" data-testid="branding-saved">
                    "Saved. Pages show the new colour from the next one you open."
                </p>
            }
        })
    };
    view! {
        <section aria-labelledby="branding">
            <h2 id="branding">"Branding"</h2>
            <ActionForm action=branding attr:data-testid="branding-form" attr:class="inline-form">
                <ErrorBanner error />
                <Field
                    label="Primary colour"
                    name="brand_color"
                    input_type="color"
                    value=typed
                    hint="Buttons and links. White text on it must stay readable."
                    error=field_error(error, "brand_color")
                />
                <button type="submit" class="button" disabled=move || branding.pending().get()>"Save"</button>
            </ActionForm>
            {saved}
            <Logo logo remove=remove_logo />
        </section>
    }
    .into_any()
}

/// The logo: the current one, a form to upload another and a button to
/// remove it. The upload is a plain form, with and without JavaScript (a
/// file goes as multipart form data); the server checks the file.
#[component]
fn Logo(logo: Option<String>, remove: ServerAction<RemoveLogo>) -> impl IntoView {
    // An upload refused comes back in the page's address. (A file upload
    // is no `ServerAction`: its form data cannot be kept as a value.)
    let error = Signal::stored(returned_error::<UploadLogo>());
    let upload_at = <UploadLogo as ServerFn>::PATH;
    let query = use_query_map();
    let saved = move || {
        let removed = matches!(remove.value().get(), Some(Ok(())));
        let posted = query.with(|q| q.get(LOGO_SAVED_PARAMETER).is_some());
        (removed || posted).then(|| {
            view! { <p class="banner success" role="status" data-testid="logo-saved">"Saved."</p> }
        })
    };
    let hint = format!(
        "PNG, JPEG or WebP, up to {} KiB; shown at most {LOGO_SIDE} pixels wide or high.",
        LOGO_MAX_BYTES / 1024
    );
    view! {
        <h3 id="logo-heading">"Logo"</h3>
        {saved}
        {logo.clone().map(|src| view! {
            <img class="logo-preview" src=src alt="The current logo" data-testid="logo-preview" />
        })}
        <form
            method="post"
            action=upload_at
            enctype="multipart/form-data"
            class="inline-form"
            data-testid="logo-form"
        >
            <ErrorBanner error />
            <FieldShell id="logo" name="logo" label="Logo file" error=field_error(error, "logo") described=true>
                <input
                    id="logo"
                    name="logo"
                    type="file"
                    accept=LOGO_TYPES
                    required
                    aria-describedby="logo-error logo-hint"
                />
                <p class="hint" id="logo-hint">{hint}</p>
            </FieldShell>
            <button type="submit" class="button">"Upload"</button>
        </form>
        {logo.map(|_| view! {
            <ActionForm action=remove attr:data-testid="remove-logo">
                <ErrorBanner error=action_error(remove) />
                <button type="submit" class="button secondary" disabled=move || remove.pending().get()>
                    "Remove the logo"
                </button>
            </ActionForm>
        })}
    }
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
