//! `/notifications`: which emails the signed-in member gets from this
//! organization, kind by kind (the organization's default, on or off), and
//! for its admins the defaults themselves. Both forms work with and without
//! JavaScript.

use crate::{
    api::notifications::{get_notifications, UpdateNotificationDefaults, UpdateNotifications},
    components::{action_error, field_error, ErrorBanner, FieldShell, Loaded},
    model::notifications::{Choice, KindSetting, Notifications, SAVED_PARAMETER},
    pages::org::OrgPage,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let choose = ServerAction::<UpdateNotifications>::new();
    let defaults = ServerAction::<UpdateNotificationDefaults>::new();
    let settings = Resource::new_blocking(
        move || (choose.version().get(), defaults.version().get()),
        |_| get_notifications(),
    );
    let query = use_query_map();
    let saved = move || {
        let in_place = matches!(choose.value().get(), Some(Ok(())))
            || matches!(defaults.value().get(), Some(Ok(())));
        let posted = query.with(|q| q.get(SAVED_PARAMETER).is_some());
        (in_place || posted).then(|| {
            view! { <p class="banner success" role="status" data-testid="notifications-saved">"Saved."</p> }
        })
    };
    view! {
        <Title text="Email notifications" />
        <OrgPage children=move |_| view! {
            <h1>"Email notifications"</h1>
            <p class="muted">
                "What this organization emails you about. Mail you ask for (confirming your address, resetting your password) always comes. Every notification has a link that turns its kind off."
            </p>
            {saved}
            <Loaded resource=settings transition=true let:settings>
                <Choices settings=settings.clone() choose />
                {settings.admin.then(|| view! { <Defaults settings defaults /> })}
            </Loaded>
        } />
    }
}

fn default_label(setting: &KindSetting) -> String {
    format!(
        "The organization's default ({})",
        if setting.default { "on" } else { "off" }
    )
}

#[component]
fn Choices(settings: Notifications, choose: ServerAction<UpdateNotifications>) -> impl IntoView {
    let error = action_error(choose);
    view! {
        <section aria-labelledby="your-notifications">
            <h2 id="your-notifications">"Your notifications"</h2>
            <ActionForm action=choose attr:data-testid="my-notifications-form">
                <ErrorBanner error />
                {settings.kinds.into_iter().map(|setting| {
                    let name = setting.kind.as_str();
                    let id = format!("choice-{name}");
                    let error_id = format!("{id}-error");
                    let default_text = default_label(&setting);
                    view! {
                        <FieldShell id=id.clone() name=name label=setting.kind.label() error=field_error(error, name) described=true>
                            <p class="hint">{setting.kind.description()}</p>
                            <select id=id name=name aria-describedby=error_id>
                                {Choice::ALL.into_iter().map(|choice| {
                                    let text = match choice {
                                        Choice::Default => default_text.clone(),
                                        Choice::On => "On".to_owned(),
                                        Choice::Off => "Off".to_owned(),
                                    };
                                    view! { <option value=choice.as_str() selected=choice == setting.choice>{text}</option> }
                                }).collect_view()}
                            </select>
                        </FieldShell>
                    }
                }).collect_view()}
                <button type="submit" class="button" disabled=move || choose.pending().get()>"Save"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Defaults(
    settings: Notifications,
    defaults: ServerAction<UpdateNotificationDefaults>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="notification-defaults">
            <h2 id="notification-defaults">"Organization defaults"</h2>
            <p class="muted">"What members get unless they chose otherwise."</p>
            <ActionForm action=defaults attr:data-testid="notification-defaults-form">
                <ErrorBanner error=action_error(defaults) />
                {settings.kinds.into_iter().map(|setting| {
                    let name = setting.kind.as_str();
                    let id = format!("default-{name}");
                    view! {
                        <p>
                            <input type="checkbox" id=id.clone() name=name value="on" checked=setting.default />
                            <label for=id>{setting.kind.label()}</label>
                        </p>
                    }
                }).collect_view()}
                <button type="submit" class="button" disabled=move || defaults.pending().get()>"Save defaults"</button>
            </ActionForm>
        </section>
    }
}
