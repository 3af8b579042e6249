//! `/settings/domains`: an owner serves the organization on a domain of
//! their own. The page lists the DNS records to create for each domain,
//! what the last check found, and a button to check again; every form
//! works with and without JavaScript.

use crate::{
    api::domains::{get_domains, AddDomain, RemoveDomain, VerifyDomain},
    components::{action_error, field_error, ErrorBanner, Field, Loaded},
    model::domains::{Domain, DomainsPage, DOMAINS_AT_MOST},
    pages::org::OrgPage,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DomainsSettingsPage() -> impl IntoView {
    let add = ServerAction::<AddDomain>::new();
    let verify = ServerAction::<VerifyDomain>::new();
    let remove = ServerAction::<RemoveDomain>::new();
    let page = Resource::new_blocking(
        move || {
            (
                add.version().get(),
                verify.version().get(),
                remove.version().get(),
            )
        },
        |_| get_domains(),
    );
    view! {
        <Title text="Custom domains" />
        <OrgPage children=move |_| view! {
            <p><a href="/settings">"← Settings"</a></p>
            <h1>"Custom domains"</h1>
            <ErrorBanner error=action_error(verify) />
            <ErrorBanner error=action_error(remove) />
            <Loaded resource=page transition=true let:page>
                <Intro page=page.clone() />
                <DomainList page=page.clone() verify remove />
                {((page.domains.len() as u64) < DOMAINS_AT_MOST).then(|| view! { <AddForm add /> })}
            </Loaded>
        } />
    }
}

#[component]
fn Intro(page: DomainsPage) -> impl IntoView {
    view! {
        <p>
            "Serve the organization at an address of your own, such as "
            <code>"portal.example.com"</code>", as well as at "<code>{page.target}</code>
            ". Add the domain, create the two DNS records shown at your DNS provider, then check them. "
            "Members sign in on each address separately."
        </p>
    }
}

#[component]
fn DomainList(
    page: DomainsPage,
    verify: ServerAction<VerifyDomain>,
    remove: ServerAction<RemoveDomain>,
) -> impl IntoView {
    if page.domains.is_empty() {
        return view! { <p class="muted" data-testid="no-domains">"No custom domain yet."</p> }
            .into_any();
    }
    page.domains
        .into_iter()
        .map(|domain| view! { <DomainCard domain verify remove /> })
        .collect_view()
        .into_any()
}

/// One domain: whether it is served, the records to create, what the last
/// check found, and its buttons.
#[component]
fn DomainCard(
    domain: Domain,
    verify: ServerAction<VerifyDomain>,
    remove: ServerAction<RemoveDomain>,
) -> impl IntoView {
    let (host, verify_host) = (domain.host.clone(), domain.host.clone());
    let status = if domain.verified {
        view! { <span class="badge success" data-testid="domain-status">"Verified: served here"</span> }
    } else {
        view! { <span class="badge" data-testid="domain-status">"Waiting for its DNS records"</span> }
    };
    let checked = match &domain.checked {
        Some(at) => format!("Last checked {at}."),
        None => "Not checked yet.".to_owned(),
    };
    let open = domain.verified.then(|| {
        view! { <p><a href=domain.url.clone() rel="external" data-testid="open-domain">"Open "{domain.host.clone()}</a></p> }
    });
    view! {
        <section class="domain" aria-label=domain.host.clone() data-testid="domain">
            <h2><code>{domain.host.clone()}</code>" "{status}</h2>
            <table class="list" data-testid="dns-records">
                <caption>"DNS records to create"</caption>
                <thead><tr><th scope="col">"Type"</th><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
                <tbody>
                    {domain.records.into_iter().map(|r| view! {
                        <tr data-testid="dns-record">
                            <td>{r.kind}</td>
                            <td><code>{r.name}</code></td>
                            <td><code>{r.value}</code></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted" data-testid="domain-checked">{checked}</p>
            {domain.problem.map(|problem| view! {
                <p class="banner error" role="status" data-testid="domain-problem">{problem}</p>
            })}
            {open}
            <div class="actions">
                <ActionForm action=verify attr:data-testid="verify-domain">
                    <input type="hidden" name="host" value=verify_host />
                    <button type="submit" class="button" disabled=move || verify.pending().get()>
                        {move || if verify.pending().get() { "Checking…" } else { "Check DNS records now" }}
                    </button>
                </ActionForm>
                <ActionForm action=remove attr:data-testid="remove-domain">
                    <input type="hidden" name="host" value=host />
                    <button type="submit" class="button secondary" disabled=move || remove.pending().get()>"Remove"</button>
                </ActionForm>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn AddForm(add: ServerAction<AddDomain>) -> impl IntoView {
    let error = action_error(add);
    let typed = error
        .get_untracked()
        .and_then(|e| e.field_value("host"))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="add-domain">
            <h2 id="add-domain">"Add a domain"</h2>
            <ActionForm action=add attr:class="inline-form" attr:data-testid="add-domain">
                <ErrorBanner error />
                <Field
                    label="Domain"
                    name="host"
                    value=typed
                    autocomplete="off"
                    hint="A subdomain of a domain you control, such as portal.example.com."
                    error=field_error(error, "host")
                />
                <button type="submit" class="button" disabled=move || add.pending().get()>"Add domain"</button>
            </ActionForm>
        </section>
    }
}
