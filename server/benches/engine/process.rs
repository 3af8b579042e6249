//! The server under test as a child process, and the minimal HTTP the
//! benchmark speaks to it: start it, wait for it, sign in, GET a page.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn start_server(config_args: &[String], port: u16, metrics_port: u16) -> anyhow::Result<Child> {
    let leptos_toml = concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml");
    Ok(Command::new(env!("CARGO_BIN_EXE_tenantry"))
        .args(config_args)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--leptos-toml",
            leptos_toml,
            "--metrics-listen",
            &format!("127.0.0.1:{metrics_port}"),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?)
}

pub fn wait_for_health(port: u16) -> anyhow::Result<()> {
    for _ in 0..300 {
        if http_get(port, "localhost", "/healthz", None).is_ok_and(|b| b.contains("ok")) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    anyhow::bail!("the server did not start")
}

/// Follows a handoff link and returns the session cookie it sets.
pub fn sign_in(port: u16, host: &str, token: &str) -> anyhow::Result<String> {
    let response = http_get(port, host, &format!("/auth/handoff?token={token}"), None)?;
    response
        .lines()
        .find_map(|l| {
            let l = l
                .strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))?;
            l.split(';').next().map(str::to_owned)
        })
        .ok_or_else(|| anyhow::anyhow!("no session cookie from the handoff: {response}"))
}

/// A minimal HTTP/1.1 GET: the whole response as text.
pub fn http_get(port: u16, host: &str, path: &str, cookie: Option<&str>) -> anyhow::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n{cookie}Connection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
