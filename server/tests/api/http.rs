//! A deliberately small HTTP/1.1 client: one request per connection, any
//! `Host` header (hostile ones included), a cookie jar per host like a
//! browser's host-only cookies.

use std::collections::{BTreeMap, HashMap};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as it came (`body` is it as text).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Cookies per host name (without port), as a browser keeps host-only cookies.
#[derive(Default, Clone, Debug)]
pub struct CookieJar {
    hosts: HashMap<String, BTreeMap<String, String>>,
}

impl CookieJar {
    fn host_key(host: &str) -> String {
        host.split(':').next().unwrap_or(host).to_owned()
    }

    pub fn header_for(&self, host: &str) -> Option<String> {
        let cookies = self.hosts.get(&Self::host_key(host))?;
        if cookies.is_empty() {
            return None;
        }
        Some(
            cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    pub fn store(&mut self, host: &str, response: &Response) {
        for set_cookie in response.headers_named("set-cookie") {
            let pair = set_cookie.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                let cookies = self.hosts.entry(Self::host_key(host)).or_default();
                let expired = set_cookie.to_ascii_lowercase().contains("max-age=0");
                if expired || value.is_empty() {
                    cookies.remove(name.trim());
                } else {
                    cookies.insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
    }

    /// The value of cookie `name` for `host`.
    pub fn get(&self, host: &str, name: &str) -> Option<String> {
        self.hosts.get(&Self::host_key(host))?.get(name).cloned()
    }

    /// Plants a cookie, as an attacker who can set cookies for a host would.
    pub fn set(&mut self, host: &str, name: &str, value: &str) {
        self.hosts
            .entry(Self::host_key(host))
            .or_default()
            .insert(name.to_owned(), value.to_owned());
    }

    /// Copies this jar's cookies for `from` onto host `to`: what a stolen or
    /// replayed cookie would look like.
    pub fn replay(&mut self, from: &str, to: &str) {
        let cookies = self
            .hosts
            .get(&Self::host_key(from))
            .cloned()
            .unwrap_or_default();
        self.hosts.insert(Self::host_key(to), cookies);
    }
}

/// How long one test request may take, connection to last byte.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub struct Request<'a> {
    pub method: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Vec<u8>,
}

pub async fn send(port: u16, request: Request<'_>, jar: Option<&mut CookieJar>) -> Response {
    let what = format!(
        "{} {} (Host {:?})",
        request.method, request.path, request.host
    );
    try_send(port, request, jar, REQUEST_TIMEOUT)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// [`send`] for a server that may be down or restarting (the fault tests):
/// a refused connection, an answer cut short or none within `timeout` is an
/// `Err` saying which, not a panic.
pub async fn try_send(
    port: u16,
    request: Request<'_>,
    jar: Option<&mut CookieJar>,
    timeout: std::time::Duration,
) -> Result<Response, String> {
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.path);
    if !request.host.is_empty() {
        head.push_str(&format!("Host: {}\r\n", request.host));
    }
    head.push_str("Connection: close\r\n");
    if let Some(cookie) = jar.as_ref().and_then(|j| j.header_for(request.host)) {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !request.body.is_empty() || request.method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", request.body.len()));
    }
    head.push_str("\r\n");

    // Kept outside the exchange: on a timeout it says how far the answer
    // got (nothing; the head only; a body that stopped mid-stream).
    let mut raw = Vec::new();
    let exchange = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        stream
            .write_all(head.as_bytes())
            .await
            .map_err(|e| format!("cannot write the request: {e}"))?;
        // The server may answer (413) before reading a large body and close.
        let _ = stream.write_all(&request.body).await;
        let mut chunk = [0u8; 8192];
        while let Ok(n @ 1..) = stream.read(&mut chunk).await {
            raw.extend_from_slice(&chunk[..n]);
        }
        Ok::<_, String>(())
    };
    // A server that never answers fails the test that asked, by name,
    // instead of holding the whole run until the suite's own time limit.
    match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => {
            let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(300)..]).into_owned();
            return Err(format!(
                "no complete answer within {timeout:?}: {} bytes arrived, ending with {tail:?}",
                raw.len(),
            ));
        }
    }
    if !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        return Err(format!(
            "the connection closed before an answer ({} bytes)",
            raw.len()
        ));
    }
    let response = parse(&raw);
    if let Some(jar) = jar {
        jar.store(request.host, &response);
    }
    Ok(response)
}

fn parse(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response has a header section");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        data = &data[line_end + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[(size + 2).min(data.len())..];
    }
    out
}

pub fn form_encode(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// `text` percent-encoded for a form or a query string.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
