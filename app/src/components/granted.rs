use crate::{
    api::teams::my_role,
    components::{Loaded, SignInRequired},
    model::{AppError, Permission, Role},
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
    let signed_out = |e: &AppError| {
        matches!(e, AppError::Unauthorized).then(|| view! { <SignInRequired /> }.into_any())
    };
    view! {
        <Loaded resource=role explain=signed_out children=move |role: Role| children(role.grants(permission)) />
    }
}
