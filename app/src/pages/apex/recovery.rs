//! Pages for people who lost their password or their organizations'
//! addresses. Each works before and after hydration.

use crate::{
    api::recovery::{FindOrganizations, RequestPasswordReset, ResetPassword},
    components::{action_error, field_error, ErrorBanner, Field},
    model::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The answer after an email was asked for: the same whether or not the
/// address has an account.
#[component]
fn Sent(what: &'static str) -> impl IntoView {
    view! {
        <p class="banner success" role="status" data-testid="sent">
            {format!("If an account exists for that address, we have sent it {what}. Check your inbox (and the spam folder). We send at most three an hour to one address; those already sent still work.")}
        </p>
    }
}

/// A page that asks for an email and mails something to it: the answer,
/// the explanation, the form (its `ActionForm` as children) and a way back.
#[component]
fn EmailRequestPage(
    title: &'static str,
    intro: &'static str,
    sent_what: &'static str,
    back: (&'static str, &'static str),
    children: Children,
) -> impl IntoView {
    let query = use_query_map();
    let sent = move || query.with(|q| q.get("sent").is_some());
    view! {
        <Title text=format!("{title} · Tenantry") />
        <main class="card">
            <h1>{title}</h1>
            {move || sent().then(|| view! { <Sent what=sent_what /> })}
            <p class="muted">{intro}</p>
            {children()}
            <p><a href=back.0>{back.1}</a></p>
        </main>
    }
}

/// The form's inside: the email (what was typed comes back after a refusal
/// without JavaScript) and the button.
#[component]
fn EmailField(
    error: Signal<Option<AppError>>,
    echoed: Option<String>,
    button: &'static str,
    testid: &'static str,
    pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <ErrorBanner error />
        <Field label="Email" name="email" input_type="email" autocomplete="username" value=echoed.unwrap_or_default()
            error=field_error(error, "email") />
        <button type="submit" class="button" data-testid=testid disabled=move || pending.get()>
            {button}
        </button>
    }
}

/// `/forgot-password`: asks for a reset link by email.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action);
    let echoed = error.get_untracked().and_then(|e| e.field_value("email"));
    view! {
        <EmailRequestPage
            title="Reset your password"
            intro="Enter the email you log in with, and we will send you a link to choose a new password."
            sent_what="a link to choose a new password (it works for one hour)"
            back=("/login", "Back to log in")
        >
            <ActionForm action>
                <EmailField error echoed button="Send the link" testid="send-link" pending=action.pending().into() />
            </ActionForm>
        </EmailRequestPage>
    }
}

/// `/reset-password?token=…`: chooses the new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let error = action_error(action);
    view! {
        <Title text="Choose a new password · Tenantry" />
        <main class="card">
            <h1>"Choose a new password"</h1>
            <p class="muted">"Every session of your account ends: log in again afterwards, on each device."</p>
            <ActionForm action>
                <ErrorBanner error />
                <input type="hidden" name="token" value=token />
                <Field label="New password" name="password" input_type="password" autocomplete="new-password"
                    hint="At least 8 characters."
                    error=field_error(error, "password") />
                <button type="submit" class="button" data-testid="set-password" disabled=move || action.pending().get()>
                    "Set the new password"
                </button>
            </ActionForm>
            <p><a href="/forgot-password">"Ask for a new link"</a></p>
        </main>
    }
}

/// `/find-organizations` on the apex: emails the list of one's
/// organizations.
#[component]
pub fn FindOrganizationsPage() -> impl IntoView {
    let action = ServerAction::<FindOrganizations>::new();
    let error = action_error(action);
    let echoed = error.get_untracked().and_then(|e| e.field_value("email"));
    view! {
        <EmailRequestPage
            title="Find your organizations"
            intro="Enter your email, and we will send you the addresses of the organizations you belong to."
            sent_what="the list of its organizations"
            back=("/login", "Log in")
        >
            <ActionForm action>
                <EmailField error echoed button="Email me the list" testid="send-list" pending=action.pending().into() />
            </ActionForm>
        </EmailRequestPage>
    }
}
