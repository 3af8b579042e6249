//! What a server action's latest answer says, as signals a form reads.

use crate::model::AppError;
use leptos::{prelude::*, server_fn::ServerFn};

/// The error of `action`'s latest answer, if it was refused. Before
/// hydration this is the answer a post without JavaScript came back with,
/// so a page can show it and echo what was typed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<S::Error>>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// The error a form posted to server function `S` came back with in the
/// page's address, as for [`action_error`] before hydration: for a form
/// that is no `ServerAction` (a file upload).
pub fn returned_error<S: ServerFn>() -> Option<S::Error> {
    use leptos::{server::ServerActionError, server_fn::error::ServerFnUrlError};
    use_context::<ServerActionError>()
        .filter(|error| error.path() == S::PATH)
        .map(|error| ServerFnUrlError::<S::Error>::decode_err(error.err()))
}

/// The message `error` has for the field `name`, if any.
pub fn field_error(error: Signal<Option<AppError>>, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field_error(name)))
}

/// `error` when it echoes `id`: the error of the row whose form sent it,
/// on a page with one form a row.
pub fn error_for(error: Signal<Option<AppError>>, id: i64) -> Signal<Option<AppError>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field_value("id").as_deref() == Some(id.to_string().as_str()))
    })
}
