//! A real SMTP server for the tests, on a port of its own per app: Tenantry
//! sends to it over SMTP with lettre, and the tests read what arrived,
//! MIME-decoded.
//!
//! It speaks just the SMTP a mail client needs (RFC 5321: greeting, EHLO,
//! MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), by hand. Both
//! crates that would do it change the test build's features: mailin-embedded
//! turns on rustls' defaults, and mailin's base64-compat turns on
//! byteorder's `std`; either way `cargo test` recompiled sqlx, sea-orm and
//! everything above them after `cargo leptos build`.

use crate::helpers::eventually;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One message as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// The `text/html` part, if the message has one.
    pub html: Option<String>,
    /// Its `List-Unsubscribe` and `List-Unsubscribe-Post` headers.
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
}

impl Received {
    /// The first URL in the body whose path starts with `path`.
    pub fn link(&self, path: &str) -> Option<String> {
        self.body
            .split_whitespace()
            .find(|word| {
                word.starts_with("http")
                    && word
                        .split_once("://")
                        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                        .is_some_and(|p| p.starts_with(path))
            })
            .map(str::to_owned)
    }
}

#[derive(Clone)]
struct Collector {
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl Collector {
    fn deliver(&self, to: Vec<String>, data: &[u8]) {
        let parsed = mail_parser::MessageParser::default().parse(data);
        let raw_header = |name: &str| {
            parsed
                .as_ref()
                .and_then(|m| m.header_raw(name).map(|value| value.trim().to_owned()))
        };
        let (list_unsubscribe, list_unsubscribe_post) = (
            raw_header("List-Unsubscribe"),
            raw_header("List-Unsubscribe-Post"),
        );
        let (subject, body, html) = parsed
            .map(|m| {
                // mail-parser offers the text as HTML when there is none:
                // only a part declared text/html counts.
                let html = m
                    .parts
                    .iter()
                    .find(|part| part.is_text_html())
                    .and_then(|part| part.text_contents().map(str::to_owned));
                (
                    m.subject().unwrap_or_default().to_owned(),
                    m.body_text(0).map(|b| b.into_owned()).unwrap_or_default(),
                    html,
                )
            })
            .unwrap_or_default();
        self.inbox.lock().unwrap().push(Received {
            to,
            subject,
            body,
            html,
            list_unsubscribe,
            list_unsubscribe_post,
        });
    }
}

/// The address in `MAIL FROM:<a@b>` or `RCPT TO:<a@b>` (parameters after
/// the brackets are ignored).
fn address(argument: &str) -> String {
    let inner = argument
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or(argument, |(address, _)| address);
    inner.trim().to_owned()
}

/// One SMTP conversation, line by line, until the client quits.
fn converse(stream: TcpStream, collector: Collector) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let verb = command.get(..4).unwrap_or(command).to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250 8BITMIME\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "MAIL" => {
                to.clear();
                b"250 OK\r\n"
            }
            "RCPT" => {
                let argument = command.split_once(':').map_or("", |(_, a)| a);
                to.push(address(argument));
                b"250 OK\r\n"
            }
            "RSET" => {
                to.clear();
                b"250 OK\r\n"
            }
            "DATA" if to.is_empty() => b"503 RCPT first\r\n",
            "DATA" => {
                out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let mut data = Vec::new();
                loop {
                    let mut raw = Vec::new();
                    if reader.read_until(b'\n', &mut raw)? == 0 {
                        return Ok(());
                    }
                    if raw == b".\r\n" || raw == b".\n" {
                        break;
                    }
                    // Dot-unstuffing (RFC 5321 4.5.2).
                    let raw = raw.strip_prefix(b".").unwrap_or(&raw);
                    data.extend_from_slice(raw);
                }
                collector.deliver(std::mem::take(&mut to), &data);
                b"250 OK\r\n"
            }
            "QUIT" => {
                out.write_all(b"221 Bye\r\n")?;
                return out.flush();
            }
            _ => b"502 Command not implemented\r\n",
        };
        out.write_all(reply)?;
        out.flush()?;
    }
}

pub struct SmtpSink {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts a sink on a free port; it serves until the test process ends.
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let collector = Collector {
            inbox: inbox.clone(),
        };
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let collector = collector.clone();
                std::thread::spawn(move || {
                    if let Err(e) = converse(stream, collector) {
                        eprintln!("SMTP sink: a connection failed: {e}");
                    }
                });
            }
        });
        SmtpSink { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything sent to `address` so far, oldest first.
    pub fn sent_to(&self, address: &str) -> Vec<Received> {
        self.inbox
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .cloned()
            .collect()
    }

    /// The newest message to `address`, waiting up to five seconds for one.
    pub async fn last_to(&self, address: &str) -> Received {
        self.wait_for(address, |_| true).await
    }

    /// The newest message to `address` with `subject`, waiting up to five
    /// seconds for one (some mail is sent in the background).
    pub async fn last_about(&self, address: &str, subject: &str) -> Received {
        self.wait_for(address, |m| m.subject == subject).await
    }

    async fn wait_for(&self, address: &str, wanted: impl Fn(&Received) -> bool) -> Received {
        let what = format!("such a mail to {address}");
        eventually(&what, Duration::from_secs(5), || async {
            self.sent_to(address).into_iter().rev().find(|m| wanted(m))
        })
        .await
    }
}
