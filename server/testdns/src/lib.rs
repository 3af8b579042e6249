//! A DNS server for tests, on a loopback UDP port: it answers from records
//! the test sets and changes while it runs, as a recursive resolver in
//! front of the domains' own servers would (a CNAME is followed when its
//! target is here too; a name with no record is NXDOMAIN, a name with
//! records of other types NODATA; the apex of a zone has an SOA record).
//! Answers carry a TTL of an hour, so a client that caches shows it.
//! Tenantry's resolver is pointed at it with `TENANTRY_DNS_SERVER`, so
//! domain verification runs against real DNS messages.
//!
//! `tests/api/domains.rs` uses the library; the `testdns` binary serves the
//! browser tests from a file of records.

use hickory_proto::{
    op::{Message, MessageType, OpCode, ResponseCode},
    rr::{
        rdata::{A, CNAME, SOA, TXT},
        Name, RData, Record, RecordType,
    },
};
use std::{
    collections::BTreeMap,
    net::{Ipv4Addr, SocketAddr},
    sync::{Arc, RwLock},
};
use tokio::net::UdpSocket;

/// A record the server holds at a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rec {
    A(Ipv4Addr),
    Cname(String),
    Txt(String),
    /// Not a record: questions about this name get SERVFAIL, as from a
    /// broken or unreachable server.
    ServFail,
}

/// What the server answers from: records by name, and the apexes of the
/// zones it knows (each has an SOA record).
#[derive(Default, Debug)]
pub struct Records {
    names: BTreeMap<String, Vec<Rec>>,
    apexes: Vec<String>,
}

impl Records {
    /// Reads the file format of the `testdns` binary: one record a line,
    /// `NAME TYPE VALUE` (`A`, `CNAME`, `TXT` (the rest of the line),
    /// `SERVFAIL` (no value)), or `zone APEX`; `#` starts a comment.
    pub fn parse(text: &str) -> Records {
        let mut records = Records::default();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.splitn(3, char::is_whitespace);
            let (name, kind) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let value = words.next().unwrap_or("").trim();
            if name == "zone" {
                records.apexes.push(plain(kind));
                continue;
            }
            let rec = match kind.to_ascii_uppercase().as_str() {
                "A" => value.parse().ok().map(Rec::A),
                "CNAME" => Some(Rec::Cname(plain(value))),
                "TXT" => Some(Rec::Txt(value.trim_matches('"').to_owned())),
                "SERVFAIL" => Some(Rec::ServFail),
                _ => None,
            };
            if let Some(rec) = rec {
                records.names.entry(plain(name)).or_default().push(rec);
            }
        }
        records
    }

    /// The answer to `question`.
    fn answer(&self, question: &Message) -> Message {
        let mut response = Message::response(question.metadata.id, OpCode::Query);
        response.metadata.message_type = MessageType::Response;
        response.metadata.recursion_desired = question.metadata.recursion_desired;
        response.metadata.recursion_available = true;
        let Some(query) = question.queries.first().cloned() else {
            response.metadata.response_code = ResponseCode::FormErr;
            return response;
        };
        response.add_query(query.clone());
        let name = plain(&query.name().to_ascii());
        let kind = query.query_type();
        let here = self.names.get(&name).map(Vec::as_slice).unwrap_or_default();
        if here.contains(&Rec::ServFail) {
            response.metadata.response_code = ResponseCode::ServFail;
            return response;
        }
        let mut answers = Vec::new();
        if kind == RecordType::SOA && self.apexes.contains(&name) {
            answers.push(self.soa(&name));
        }
        match here.iter().find_map(|r| match r {
            Rec::Cname(to) => Some(to.clone()),
            _ => None,
        }) {
            // A CNAME is the only record at its name: any question but for
            // the CNAME itself follows it.
            Some(to) if kind != RecordType::CNAME => {
                answers.push(record(&name, RData::CNAME(CNAME(fqdn(&to)))));
                let there = self.names.get(&to).map(Vec::as_slice).unwrap_or_default();
                answers.extend(matching(&to, there, kind));
            }
            _ => answers.extend(matching(&name, here, kind)),
        }
        if answers.is_empty() {
            let exists = self.apexes.contains(&name)
                || self
                    .names
                    .keys()
                    .any(|n| n == &name || n.ends_with(&format!(".{name}")));
            if !exists {
                response.metadata.response_code = ResponseCode::NXDomain;
            }
            if let Some(apex) = self.zone_of(&name) {
                response.authorities.push(self.soa(&apex));
            }
        }
        response.answers = answers;
        response
    }

    fn zone_of(&self, name: &str) -> Option<String> {
        self.apexes
            .iter()
            .filter(|apex| *apex == name || name.ends_with(&format!(".{apex}")))
            .max_by_key(|apex| apex.len())
            .cloned()
    }

    fn soa(&self, apex: &str) -> Record {
        let soa = SOA::new(
            fqdn(&format!("ns.{apex}")),
            fqdn(&format!("hostmaster.{apex}")),
            1,
            3600,
            600,
            86400,
            // An hour of negative caching, as real zones have: a client
            // that caches what it was told cannot see a record made since.
            3600,
        );
        record(apex, RData::SOA(soa))
    }
}

fn matching(name: &str, records: &[Rec], kind: RecordType) -> Vec<Record> {
    records
        .iter()
        .filter_map(|r| match (r, kind) {
            (Rec::A(ip), RecordType::A) => Some(RData::A(A(*ip))),
            (Rec::Txt(text), RecordType::TXT) => Some(RData::TXT(TXT::new(vec![text.clone()]))),
            (Rec::Cname(to), RecordType::CNAME) => Some(RData::CNAME(CNAME(fqdn(to)))),
            _ => None,
        })
        .map(|data| record(name, data))
        .collect()
}

fn record(name: &str, data: RData) -> Record {
    // An hour, as real records often have (see `soa`).
    Record::from_rdata(fqdn(name), 3600, data)
}

fn fqdn(name: &str) -> Name {
    Name::from_ascii(format!("{name}.")).unwrap_or_else(|_| Name::root())
}

/// A name as kept here: lower case, no final dot.
fn plain(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Where the server's records come from.
#[derive(Clone)]
enum Source {
    /// Set by the test that runs it.
    Shared(Arc<RwLock<Records>>),
    /// Read from this file for every question (the browser tests write it).
    File(std::path::PathBuf),
}

impl Source {
    fn answer(&self, question: &Message) -> Message {
        match self {
            Source::Shared(records) => match records.read() {
                Ok(records) => records.answer(question),
                Err(poisoned) => poisoned.into_inner().answer(question),
            },
            Source::File(path) => {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                Records::parse(&text).answer(question)
            }
        }
    }
}

/// A running server; it stops when dropped.
pub struct DnsServer {
    addr: SocketAddr,
    records: Arc<RwLock<Records>>,
    task: tokio::task::JoinHandle<()>,
}

impl DnsServer {
    /// Serves on a free loopback port, with no records.
    ///
    /// # Panics
    /// When no loopback UDP port can be bound.
    pub async fn start() -> DnsServer {
        let socket = UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback UDP port");
        let addr = socket.local_addr().expect("the socket's address");
        let records = Arc::new(RwLock::new(Records::default()));
        let task = tokio::spawn(serve(socket, Source::Shared(records.clone())));
        DnsServer {
            addr,
            records,
            task,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Makes `apex` the apex of a zone (it gets an SOA record).
    pub fn zone(&self, apex: &str) {
        self.change(|r| r.apexes.push(plain(apex)));
    }

    /// Puts `records` at `name` in place of what was there.
    pub fn set(&self, name: &str, records: Vec<Rec>) {
        self.change(|r| {
            r.names.insert(plain(name), records);
        });
    }

    /// Removes every record at `name`.
    pub fn clear(&self, name: &str) {
        self.change(|r| {
            r.names.remove(&plain(name));
        });
    }

    fn change(&self, change: impl FnOnce(&mut Records)) {
        let mut records = match self.records.write() {
            Ok(records) => records,
            Err(poisoned) => poisoned.into_inner(),
        };
        change(&mut records);
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves the records of the file at `path` on `addr` until the process
/// ends (the `testdns` binary).
///
/// # Errors
/// When `addr` cannot be bound.
pub async fn serve_file(addr: SocketAddr, path: std::path::PathBuf) -> std::io::Result<()> {
    let socket = UdpSocket::bind(addr).await?;
    serve(socket, Source::File(path)).await;
    Ok(())
}

async fn serve(socket: UdpSocket, source: Source) {
    let mut buffer = vec![0u8; 4096];
    loop {
        let Ok((len, from)) = socket.recv_from(&mut buffer).await else {
            continue;
        };
        let Ok(question) = Message::from_vec(&buffer[..len]) else {
            continue;
        };
        if let Ok(bytes) = source.answer(&question).to_vec() {
            let _ = socket.send_to(&bytes, from).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_format_reads_every_kind_of_record() {
        let records = Records::parse(
            "# a comment\nzone acme.test\nportal.acme.test CNAME acme.app.example.\n\
             _tenantry.portal.acme.test TXT \"tenantry-verification=abc\"\n\
             acme.test A 127.0.0.1\nbroken.test SERVFAIL\n",
        );
        assert_eq!(records.apexes, ["acme.test"]);
        assert_eq!(
            records.names["portal.acme.test"],
            [Rec::Cname("acme.app.example".into())]
        );
        assert_eq!(
            records.names["_tenantry.portal.acme.test"],
            [Rec::Txt("tenantry-verification=abc".into())]
        );
        assert_eq!(records.names["acme.test"], [Rec::A(Ipv4Addr::LOCALHOST)]);
        assert_eq!(records.names["broken.test"], [Rec::ServFail]);
    }
}
