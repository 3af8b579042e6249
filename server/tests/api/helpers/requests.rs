//! Requests as a browser or the hydrated page makes them, and what their
//! answers say. They are methods of `Client`, a `Copy` port: a `TestApp`
//! derefs to its client, and a spawned task or a `tenantry` subprocess's
//! harness can hold one of its own.

use super::BASE;
use crate::http::{self, form_encode, CookieJar, Request, Response};
use app::model::AppError;

/// Requests to the Tenantry listening on `port`.
#[derive(Clone, Copy, Debug)]
pub struct Client {
    pub port: u16,
}

impl Client {
    pub fn apex(&self) -> String {
        format!("{BASE}:{}", self.port)
    }

    pub fn tenant_host(&self, slug: &str) -> String {
        format!("{slug}.{BASE}:{}", self.port)
    }

    pub async fn get(&self, host: &str, path: &str, jar: Option<&mut CookieJar>) -> Response {
        http::send(
            self.port,
            Request {
                method: "GET",
                host,
                path,
                headers: vec![("Accept", "text/html".into())],
                body: vec![],
            },
            jar,
        )
        .await
    }

    /// A page with extra request headers (`X-Forwarded-For`, …), no cookies.
    pub async fn get_with_headers(
        &self,
        host: &str,
        path: &str,
        headers: &[(&'static str, &str)],
    ) -> Response {
        let mut all = vec![("Accept", "text/html".to_owned())];
        all.extend(headers.iter().map(|(k, v)| (*k, (*v).to_owned())));
        http::send(
            self.port,
            Request {
                method: "GET",
                host,
                path,
                headers: all,
                body: vec![],
            },
            None,
        )
        .await
    }

    /// Logs in on `host` (the apex or a tenant's host) with the jar (a method of
    /// `Client`, so spawned tasks log in too).
    pub async fn log_in(
        &self,
        host: &str,
        email: &str,
        password: &str,
        jar: &mut CookieJar,
    ) -> Response {
        self.call(
            host,
            "log_in",
            &[("email", email), ("password", password)],
            Some(jar),
        )
        .await
    }

    /// Calls a server function the way the hydrated page does (JSON answer).
    pub async fn call(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let accept = ("Accept", "application/json".to_owned());
        self.post_server_fn(host, endpoint, fields, vec![accept], jar)
            .await
    }

    /// Posts a form the way a browser without JavaScript does, from the
    /// home page.
    pub async fn post_form(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        self.post_form_from(host, "/", endpoint, fields, jar).await
    }

    /// Posts a form the way a browser without JavaScript does, from the
    /// page at `path`, where the server sends it back.
    pub async fn post_form_from(
        &self,
        host: &str,
        path: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let headers = vec![
            ("Accept", "text/html,application/xhtml+xml".to_owned()),
            ("Referer", format!("http://{host}{path}")),
        ];
        self.post_server_fn(host, endpoint, fields, headers, jar)
            .await
    }

    /// Calls a server function with extra request headers (`Origin`, …).
    pub async fn call_with_headers(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        headers: &[(&'static str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let mut all = vec![("Accept", "application/json".to_owned())];
        all.extend(headers.iter().map(|(k, v)| (*k, (*v).to_owned())));
        self.post_server_fn(host, endpoint, fields, all, jar).await
    }

    /// Posts `file` as the form's file field `field` (multipart form data,
    /// as a browser sends a file form) to server function `endpoint`: from
    /// the page at `from` as a browser without JavaScript, or with `None`
    /// as a script asking for JSON.
    pub async fn upload(
        &self,
        host: &str,
        endpoint: &str,
        field: &str,
        file: &[u8],
        from: Option<&str>,
        jar: Option<&mut CookieJar>,
    ) -> Response {
        const BOUNDARY: &str = "tenantry-test-boundary-7f3a";
        let mut headers = match from {
            Some(path) => vec![
                ("Accept", "text/html,application/xhtml+xml".to_owned()),
                ("Referer", format!("http://{host}{path}")),
            ],
            None => vec![("Accept", "application/json".to_owned())],
        };
        headers.push((
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ));
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; \
             filename=\"upload\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        http::send(
            self.port,
            Request {
                method: "POST",
                host,
                path: &format!("/api/{endpoint}"),
                headers,
                body,
            },
            jar,
        )
        .await
    }

    async fn post_server_fn(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        headers: Vec<(&str, String)>,
        jar: Option<&mut CookieJar>,
    ) -> Response {
        self.post_to(host, &format!("/api/{endpoint}"), fields, headers, jar)
            .await
    }

    /// Opens an email's confirmation link as its owner does: the page,
    /// then its button. The button's answer, or the page's when it has none.
    pub async fn confirm_email(&self, link: &str) -> Response {
        let apex = self.apex();
        let path = link
            .split_once(&apex)
            .unwrap_or_else(|| panic!("{link} is not on {apex}"))
            .1;
        let page = self.get(&apex, path, None).await;
        if !page.body.contains(r#"data-testid="confirm-email""#) {
            return page;
        }
        let token = path.split("token=").nth(1).expect("a token in the link");
        self.submit_form(&apex, "/verify-email", &[("token", token)], None)
            .await
    }

    /// Posts a page's own form (`<form method="post" action="{path}">`) as
    /// a browser does, from a page of the same host.
    pub async fn submit_form(
        &self,
        host: &str,
        path: &str,
        fields: &[(&str, &str)],
        jar: Option<&mut CookieJar>,
    ) -> Response {
        let origin = vec![("Origin", format!("http://{host}"))];
        self.post_to(host, path, fields, origin, jar).await
    }

    async fn post_to(
        &self,
        host: &str,
        path: &str,
        fields: &[(&str, &str)],
        mut headers: Vec<(&str, String)>,
        jar: Option<&mut CookieJar>,
    ) -> Response {
        headers.push(("Content-Type", "application/x-www-form-urlencoded".into()));
        http::send(
            self.port,
            Request {
                method: "POST",
                host,
                path,
                headers,
                body: form_encode(fields),
            },
            jar,
        )
        .await
    }

    /// [`Client::get`] of a server that may be down or restarting: a refused
    /// connection or no answer within `timeout` is an `Err` saying which.
    pub async fn try_get(
        &self,
        host: &str,
        path: &str,
        jar: Option<&mut CookieJar>,
        timeout: std::time::Duration,
    ) -> Result<Response, String> {
        let headers = vec![("Accept", "text/html".into())];
        let request = Request {
            method: "GET",
            host,
            path,
            headers,
            body: vec![],
        };
        http::try_send(self.port, request, jar, timeout).await
    }

    /// [`Client::call`] of a server that may be down or restarting.
    pub async fn try_call(
        &self,
        host: &str,
        endpoint: &str,
        fields: &[(&str, &str)],
        jar: Option<&mut CookieJar>,
        timeout: std::time::Duration,
    ) -> Result<Response, String> {
        let headers = vec![
            ("Accept", "application/json".to_owned()),
            ("Content-Type", "application/x-www-form-urlencoded".into()),
        ];
        let request = Request {
            method: "POST",
            host,
            path: &format!("/api/{endpoint}"),
            headers,
            body: form_encode(fields),
        };
        http::try_send(self.port, request, jar, timeout).await
    }
}

/// The error a server function answered with.
pub fn app_error(response: &Response) -> AppError {
    serde_json::from_str(&response.body).unwrap_or_else(|e| {
        panic!(
            "not an AppError ({e}): {} {}",
            response.status, response.body
        )
    })
}

/// The team count shown on a tenant's home page, if the page shows one.
pub fn team_count(body: &str) -> Option<u64> {
    let after = &body[body.find(r#"data-testid="team-count""#)?..];
    let digits = &after[after.find('>')? + 1..];
    digits[..digits.find('<')?].trim().parse().ok()
}
