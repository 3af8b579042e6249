use crate::{
    api::invitations::{get_invitation, AcceptInvitation},
    components::{action_error, field_error, Alert, ErrorBanner, Field, Loaded},
    model::{invitations::InvitationOffer, AppError},
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
    let expired = |e: &AppError| match e {
        AppError::Validation(fields) => {
            let message = fields.get("form").unwrap_or_default().to_owned();
            Some(
                view! {
                    <h1>"Invitation"</h1>
                    <Alert attr:data-testid="invitation-expired">{message}</Alert>
                }
                .into_any(),
            )
        }
        _ => None,
    };

    view! {
        <Title text="Invitation · Tenantry" />
        <main class="card">
            <Loaded resource=offer explain=expired let:offer>
                <JoinForm offer token=token() accept />
            </Loaded>
        </main>
    }
}

/// What the invitation offers, and the form that accepts it: the password
/// of the account the address already has, or the new account's.
#[component]
fn JoinForm(
    offer: InvitationOffer,
    token: String,
    accept: ServerAction<AcceptInvitation>,
) -> impl IntoView {
    let error = action_error(accept);
    let (label, hint, autocomplete) = if offer.account_exists {
        (
            "Your password",
            "You already have a Tenantry account: its password adds this organization to it.",
            "current-password",
        )
    } else {
        (
            "Choose a password",
            "At least 8 characters. This creates your Tenantry account.",
            "new-password",
        )
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
            <input type="hidden" name="token" value=token />
            <Field
                label=label
                name="password"
                input_type="password"
                autocomplete=autocomplete
                hint=hint
                error=field_error(error, "password")
            />
            <button type="submit" class="button" data-testid="accept-invitation" disabled=move || accept.pending().get()>
                {move || if accept.pending().get() { "Joining…" } else { "Join" }}
            </button>
        </ActionForm>
    }
}
