use crate::{
    api::invitations::{get_invitation, AcceptInvitation},
    components::{ErrorBanner, Field},
    model::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/invitation?token=…` on an organization's host: the invited person
/// joins, with their existing account's password or a new one.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let offer = Resource::new_blocking(token, get_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = Signal::derive(move || accept.value().get().and_then(Result::err));
    let password_error =
        Signal::derive(move || error.get().and_then(|e| e.field_error("password")));

    view! {
        <Title text="Invitation · Tenantry" />
        <main class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match offer.await {
                        Ok(offer) => {
                            let (label, hint, autocomplete) = if offer.account_exists {
                                ("Your password", "You already have a Tenantry account: its password adds this organization to it.", "current-password")
                            } else {
                                ("Choose a password", "At least 8 characters. This creates your Tenantry account.", "new-password")
                            };
                            view! {
                                <h1 data-testid="invitation-org">{format!("Join {}", offer.org_name)}</h1>
                                <p>
                                    "You are invited as "
                                    <strong data-testid="invitation-role">{offer.role.label()}</strong>
                                    " with "
                                    <strong data-testid="invitation-email">{offer.email.clone()}</strong>
                                    "."
                                </p>
                                <ActionForm action=accept>
                                    <ErrorBanner error />
                                    <input type="hidden" name="token" value=token() />
                                    <Field
                                        label=label
                                        name="password"
                                        input_type="password"
                                        autocomplete=autocomplete
                                        hint=hint
                                        error=password_error
                                    />
                                    <button type="submit" class="button" data-testid="accept-invitation" disabled=move || accept.pending().get()>
                                        {move || if accept.pending().get() { "Joining…" } else { "Join" }}
                                    </button>
                                </ActionForm>
                            }
                            .into_any()
                        }
                        Err(AppError::Validation(fields)) => view! {
                            <h1>"Invitation"</h1>
                            <p class="banner error" role="alert" data-testid="invitation-expired">
                                {fields.get("form").unwrap_or_default().to_owned()}
                            </p>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
