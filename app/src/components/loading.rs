//! Waiting for a resource: the fallback every page shows meanwhile
//! (`Loading`), and `Loaded`, which shows a resource's data, or its error,
//! once it is in. A page makes its resources at its top and waits for
//! them in one `Loaded` (a pair of resources is a [`Load`] too) rather than
//! in boundaries nested inside each other's bodies: Leptos' streamed
//! rendering can stall there (leptos-rs/leptos#4851, #4866), and a resource
//! made inside a boundary's body is made again each time the body runs.

use crate::{components::Alert, model::AppError};
use leptos::prelude::*;
use std::sync::Arc;

/// What a page shows while its data loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted">"Loading…"</p> }
}

/// The errors a page words itself (log in, not found, an expired link):
/// their view, or `None` for the error banner.
#[derive(Clone)]
pub struct Explain(Arc<ExplainFn>);

type ExplainFn = dyn Fn(&AppError) -> Option<AnyView> + Send + Sync;

impl<F> From<F> for Explain
where
    F: Fn(&AppError) -> Option<AnyView> + Send + Sync + 'static,
{
    fn from(explain: F) -> Self {
        Self(Arc::new(explain))
    }
}

/// What `Loaded` waits for: a resource of `Result<_, AppError>`, or a pair
/// of them (the first error wins).
pub trait Load: Copy + Send + Sync + 'static {
    type Data: Clone + Send + Sync + 'static;
    fn load(self) -> impl std::future::Future<Output = Result<Self::Data, AppError>> + Send;
}

impl<T> Load for Resource<Result<T, AppError>>
where
    T: Clone + Send + Sync + 'static,
{
    type Data = T;
    async fn load(self) -> Result<T, AppError> {
        self.await
    }
}

impl<A: Load, B: Load> Load for (A, B) {
    type Data = (A::Data, B::Data);
    async fn load(self) -> Result<Self::Data, AppError> {
        let (a, b) = self;
        Ok((a.load().await?, b.load().await?))
    }
}

/// `children` with the data of `resource` once it is in: `<Loading/>`
/// until then, and an error banner if loading failed (unless `explain`
/// words that error itself). The page is rendered on the server with the
/// data in it, so it is complete without JavaScript.
#[component]
pub fn Loaded<R, V, F>(
    resource: R,
    children: F,
    #[prop(optional, into)] explain: Option<Explain>,
    /// While the resource reloads, keep the previous data on screen (a
    /// `Transition`) instead of showing `<Loading/>` again.
    #[prop(optional)]
    transition: bool,
) -> impl IntoView
where
    R: Load,
    F: Fn(R::Data) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let body = move || {
        let children = children.clone();
        let explain = explain.clone();
        Suspend::new(async move {
            match resource.load().await {
                Ok(data) => children(data).into_any(),
                Err(e) => explain
                    .and_then(|explain| (explain.0)(&e))
                    .unwrap_or_else(|| view! { <Alert>{e.to_string()}</Alert> }.into_any()),
            }
        })
    };
    if transition {
        view! { <Transition fallback=Loading>{body}</Transition> }.into_any()
    } else {
        view! { <Suspense fallback=Loading>{body}</Suspense> }.into_any()
    }
}
