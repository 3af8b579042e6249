//! A real SMTP server for the tests (mailin's SMTP state machine on a port of
//! its own per app): Tenantry sends to it over SMTP with lettre, and the
//! tests read what arrived, MIME-decoded.
//!
//! Why `mailin` and a small accept loop rather than `mailin-embedded`: the
//! latter always compiles its rustls module with rustls' default features,
//! which flips rustls, sqlx, sea-orm, leptos, app and server to other
//! feature sets in the test build, so `cargo test` recompiled the whole
//! stack after `cargo leptos build`.

use mailin::{response, Action, Handler, Response, SessionBuilder};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One message as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
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
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let parsed = mail_parser::MessageParser::default().parse(&self.data);
        let (subject, body) = parsed
            .map(|m| {
                (
                    m.subject().unwrap_or_default().to_owned(),
                    m.body_text(0).map(|b| b.into_owned()).unwrap_or_default(),
                )
            })
            .unwrap_or_default();
        self.inbox.lock().unwrap().push(Received {
            to: std::mem::take(&mut self.to),
            subject,
            body,
        });
        response::OK
    }
}

/// One SMTP conversation, line by line, until the client quits.
fn converse(stream: TcpStream, collector: Collector) -> std::io::Result<()> {
    let peer = stream.peer_addr()?.ip();
    let mut session = SessionBuilder::new("sink.test").build(peer, collector);
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    session.greeting().write_to(&mut writer)?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let response = session.process(&line);
        match response.action {
            Action::Reply => response.write_to(&mut writer)?,
            Action::Close => {
                response.write_to(&mut writer)?;
                return writer.flush();
            }
            // STARTTLS is not offered, so no client asks for it.
            Action::UpgradeTls => return Ok(()),
            Action::NoReply => {}
        }
        writer.flush()?;
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
            to: Vec::new(),
            data: Vec::new(),
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
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(last) = self.sent_to(address).into_iter().rev().find(|m| wanted(m)) {
                return last;
            }
            assert!(Instant::now() < deadline, "no such mail to {address}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
