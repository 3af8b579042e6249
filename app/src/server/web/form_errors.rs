//! Form errors that only Tenantry can put on a page.
//!
//! Without JavaScript, a server function that fails sends the browser back
//! to the form's page with the error in the address: `?__path=/api/NAME&
//! __err=…` (server_fn's own encoding), which Leptos reads into the
//! action's value, so the page shows the messages and the values typed.
//! Anyone can write such an address, though, and a link to the real log-in
//! page with a made-up "Your account is locked, call …" banner is phishing
//! on the trusted origin (SECURITY.md L2).
//!
//! So the redirect that carries an error also sets a short-lived, host-only
//! cookie holding the digest of that error; a page address with `__err` or
//! `__path` is honoured only by the browser holding the matching cookie.
//! Any other such request is sent, with a redirect, to the same address
//! without them: the page itself, without the planted message (and the
//! browser's address bar no longer holds it, so the hydrated page agrees).
//! The cookie binds the error to the browser, with no key to share among
//! instances.

use crate::server::secret::digest;
use axum::{
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

/// The cookie holding the digest of the error last sent back to this
/// browser.
const COOKIE: &str = "tenantry_form_error";
/// Long enough to follow the redirect and reload the page once or twice.
const MAX_AGE_SECS: u32 = 120;
const PATH_PARAM: &str = "__path";
const ERROR_PARAM: &str = "__err";

/// Axum middleware: checks a page's error parameters against the cookie,
/// and sets the cookie on every redirect that carries an error.
pub async fn guard_form_errors(req: Request, next: Next) -> Response {
    if let Some(query) = req.uri().query() {
        let (path, error) = error_params(query);
        if path.is_some() || error.is_some() {
            let sent_here = cookie_of(&req)
                .is_some_and(|cookie| Some(cookie) == error.as_deref().map(|e| seal(&path, e)));
            if !sent_here {
                return Redirect::to(&without_error_params(req.uri().path(), query))
                    .into_response();
            }
        }
    }
    let mut response = next.run(req).await;
    let sealed = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|location| location.split_once('?'))
        .and_then(|(_, query)| match error_params(query) {
            (path, Some(error)) => Some(seal(&path, &error)),
            _ => None,
        });
    if let Some(sealed) = sealed {
        let cookie =
            format!("{COOKIE}={sealed}; Path=/; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The decoded `__path` and `__err` of a query string.
fn error_params(query: &str) -> (Option<String>, Option<String>) {
    let mut path = None;
    let mut error = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            PATH_PARAM => path = Some(value.into_owned()),
            ERROR_PARAM => error = Some(value.into_owned()),
            _ => {}
        }
    }
    (path, error)
}

/// What the cookie holds for an error sent back for server function
/// `path`.
fn seal(path: &Option<String>, error: &str) -> String {
    digest(&format!("{}\n{error}", path.as_deref().unwrap_or("")))
}

fn cookie_of(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// `path?query` without the error parameters (the other parameters kept,
/// as they were written).
fn without_error_params(path: &str, query: &str) -> String {
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            name != PATH_PARAM && name != ERROR_PARAM
        })
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_error_parameters_are_dropped() {
        assert_eq!(
            without_error_params("/login", "__path=%2Fapi%2Flog_in&__err=abc"),
            "/login"
        );
        assert_eq!(
            without_error_params("/teams", "page=2&__err=abc&q=a%20b"),
            "/teams?page=2&q=a%20b"
        );
    }

    #[test]
    fn the_seal_depends_on_the_function_and_the_error() {
        let path = Some("/api/log_in".to_owned());
        assert_eq!(seal(&path, "e1"), seal(&path, "e1"));
        assert_ne!(seal(&path, "e1"), seal(&path, "e2"));
        assert_ne!(seal(&path, "e1"), seal(&None, "e1"));
    }
}
