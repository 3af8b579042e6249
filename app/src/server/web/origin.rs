//! Cross-site request forgery protection: a state-changing request (form
//! post, server function) is refused unless the browser says it comes from a
//! page of the same host.
//!
//! The rule is the one Go 1.25's `CrossOriginProtection` uses, with a
//! Referer fallback:
//! 1. GET, HEAD and OPTIONS change nothing and always pass.
//! 2. `Sec-Fetch-Site` (sent by every current browser) must be
//!    `same-origin`, or `none` (the user typed the address).
//! 3. Otherwise `Origin`, or failing that `Referer`, must name this host.
//! 4. A request with none of the three comes from no browser (curl, a
//!    script); a browser cannot be made to send such a request to another
//!    site, so it cannot be forged and passes.
//!
//! Session cookies are `SameSite=Lax` as well; this check also covers
//! same-site attacks (one tenant's subdomain posting to another's).

use axum::{
    extract::Request,
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

pub async fn reject_cross_origin(req: Request, next: Next) -> Response {
    if is_same_origin(req.method(), req.headers()) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-origin request refused");
        (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused. \
             Reload the page and try again.",
        )
            .into_response()
    }
}

/// Whether a request may be served under the rule above.
pub fn is_same_origin(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    let Some(host) = text(header::HOST) else {
        return false;
    };
    match text(header::ORIGIN).or_else(|| text(header::REFERER)) {
        None => true,
        Some(origin) => authority_of(origin).is_some_and(|a| a.eq_ignore_ascii_case(host)),
    }
}

/// `host[:port]` of an absolute http(s) URL; `None` for anything else
/// (`Origin: null` included).
fn authority_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    (!authority.is_empty() && !authority.contains('@')).then_some(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(header::HOST, "acme.app.example".parse().unwrap());
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn reads_pass_whatever_their_origin() {
        let h = headers(&[("origin", "https://evil.example")]);
        assert!(is_same_origin(&Method::GET, &h));
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let post = Method::POST;
        assert!(is_same_origin(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")])
        ));
        assert!(is_same_origin(
            &post,
            &headers(&[("sec-fetch-site", "none")])
        ));
        for site in ["cross-site", "same-site"] {
            let h = headers(&[
                ("sec-fetch-site", site),
                ("origin", "https://acme.app.example"),
            ]);
            assert!(!is_same_origin(&post, &h), "{site}");
        }
    }

    #[test]
    fn origin_then_referer_must_name_this_host() {
        let post = Method::POST;
        assert!(is_same_origin(
            &post,
            &headers(&[("origin", "https://acme.app.example")])
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("origin", "https://other.app.example")])
        ));
        assert!(!is_same_origin(&post, &headers(&[("origin", "null")])));
        assert!(is_same_origin(
            &post,
            &headers(&[("referer", "http://acme.app.example/members?x=1")])
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("referer", "http://acme.app.example.evil.example/")])
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("referer", "http://acme.app.example@evil.example/")])
        ));
    }

    #[test]
    fn requests_from_no_browser_pass() {
        assert!(is_same_origin(&Method::POST, &headers(&[])));
    }
}
