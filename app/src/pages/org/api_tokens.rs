//! `/api-tokens`: the organization's API tokens for `/api/v1`. A new
//! token's secret is shown once, right after it is created.

use crate::{
    api::tokens::{get_api_tokens, CreateApiToken, RevokeApiToken},
    components::{action_error, field_error, ErrorBanner, Field, FieldShell, Loaded},
    model::{api_tokens::ApiTokens, Role},
    pages::org::OrgPage,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new_blocking(
        move || (create.version().get(), revoke.version().get()),
        |_| get_api_tokens(),
    );
    view! {
        <Title text="API tokens" />
        <OrgPage children=move |_| view! {
            <h1>"API tokens"</h1>
            <p class="muted">
                "Tokens let scripts use the API at "<code>"/api/v1"</code>" ("
                <a href="/api/v1/openapi.json" rel="external">"OpenAPI document"</a>
                "). Send one as "<code>"Authorization: Bearer …"</code>"."
            </p>
            <ErrorBanner error=action_error(revoke) />
            <Loaded resource=tokens let:page>
                <TokenList page revoke />
            </Loaded>
            <h2>"New token"</h2>
            <CreateForm create />
        } />
    }
}

/// The secret of the token just created, and every token with its Revoke
/// button.
#[component]
fn TokenList(page: ApiTokens, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let created = page.just_created.map(|created| view! {
        <div class="banner success" data-testid="new-token">
            <p>"Copy the token for " <strong>{created.token.name}</strong> " now: it will not be shown again."</p>
            <p><code data-testid="token-secret">{created.secret}</code></p>
        </div>
    });
    let list = if page.tokens.is_empty() {
        view! { <p class="muted" data-testid="no-tokens">"No tokens yet."</p> }.into_any()
    } else {
        view! {
            <table class="list" data-testid="token-list">
                <thead><tr><th>"Name"</th><th>"Token"</th><th>"Role"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                <tbody>
                    {page.tokens.into_iter().map(|t| view! {
                        <tr data-testid="token">
                            <td>{t.name}</td>
                            <td><code>{format!("{}…", t.prefix)}</code></td>
                            <td>{t.role.label()}</td>
                            <td>{format!("{} by {}", t.created, t.created_by)}</td>
                            <td>{t.last_used.unwrap_or_else(|| "never".to_owned())}</td>
                            <td>
                                <ActionForm action=revoke>
                                    <input type="hidden" name="id" value=t.id />
                                    <button type="submit" class="button danger">"Revoke"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any()
    };
    view! { {created} {list} }
}

/// A new token's name and role.
#[component]
fn CreateForm(create: ServerAction<CreateApiToken>) -> impl IntoView {
    let error = action_error(create);
    let typed = error.get_untracked().and_then(|e| e.field_value("name"));
    view! {
        <ActionForm action=create attr:class="inline-form" attr:data-testid="create-token">
            <ErrorBanner error />
            <Field
                label="Name"
                name="name"
                value=typed.unwrap_or_default()
                hint="What will use it, like CI"
                error=field_error(error, "name")
            />
            <FieldShell id="token-role" name="role" label="Role" error=field_error(error, "role") described=true>
                <select id="token-role" name="role" aria-describedby="token-role-error">
                    {[Role::Viewer, Role::Member, Role::Admin].into_iter().map(|role| view! {
                        <option value=role.as_str()>{role.label()}</option>
                    }).collect_view()}
                </select>
            </FieldShell>
            <button type="submit" class="button">"Create token"</button>
        </ActionForm>
    }
}
