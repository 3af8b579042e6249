use crate::{
    api::teams::my_role,
    model::{AppError, Permission},
};
use leptos::prelude::*;

/// Renders `children` with whether the signed-in member's role grants
/// `permission`, so a page shows only the forms its reader may use. The
/// server checks every change again.
#[component]
pub fn Granted<V, F>(permission: Permission, children: F) -> impl IntoView
where
    F: Fn(bool) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let role = Resource::new_blocking(|| (), |_| my_role());
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match role.await {
                        Ok(role) => children(role.grants(permission)).into_any(),
                        Err(AppError::Unauthorized) => view! {
                            <p data-testid="sign-in-required">"Please "<a href="/login">"log in"</a>" to continue."</p>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
