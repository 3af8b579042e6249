//! What DNS says of a custom domain, asked of the configured DNS server
//! (`TENANTRY_DNS_SERVER`) or the system's (`/etc/resolv.conf`), with
//! hickory's resolver. Nothing is cached: an owner who fixed a record and
//! checks again is answered from DNS as it is now, never from an earlier
//! failure.
//!
//! [`check`] turns the answers into a verdict and, for an owner, a
//! diagnosis in words: the TXT record missing, holding another value, or at
//! the wrong name; the CNAME missing, pointing elsewhere, or impossible
//! (the apex of a zone, unless its provider flattens it); the records not
//! propagated yet; DNS not answering.

use crate::model::domains::{txt_name, txt_value};
use hickory_resolver::{
    config::{ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts},
    net::{runtime::TokioRuntimeProvider, NetError},
    proto::rr::{Name, RData, RecordType},
    Resolver,
};
use std::{collections::BTreeSet, net::SocketAddr, time::Duration};
use tenancy::domains::Finding;

/// A check gives up on DNS after this long, all queries together.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(8);

/// The DNS client.
#[derive(Clone)]
pub struct Dns {
    resolver: Resolver<TokioRuntimeProvider>,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dns")
    }
}

/// What DNS answered to one question.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Answer {
    Records(Vec<RData>),
    /// The name exists, with no record of that type.
    NoData,
    /// The name does not exist.
    NxDomain,
    /// No answer to rely on (timeout, server failure, refused).
    Failed(String),
}

impl Dns {
    /// Asks `server` alone, else the system's DNS servers (none when the
    /// system has no configuration: every check then finds no answer).
    ///
    /// # Errors
    /// The resolver cannot be made.
    pub fn new(server: Option<SocketAddr>) -> Result<Self, String> {
        let mut builder = match server {
            Some(at) => {
                let connection = |mut c: ConnectionConfig| {
                    c.port = at.port();
                    c
                };
                let server = NameServerConfig::new(
                    at.ip(),
                    true,
                    vec![
                        connection(ConnectionConfig::udp()),
                        connection(ConnectionConfig::tcp()),
                    ],
                );
                Resolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![server]),
                    TokioRuntimeProvider::default(),
                )
            }
            None => match Resolver::builder_tokio() {
                Ok(builder) => builder,
                // No /etc/resolv.conf (a bare container): Tenantry still
                // serves; checks of custom domains say DNS gives no answer.
                Err(e) => {
                    tracing::warn!(error = %e, "no system DNS configuration: set TENANTRY_DNS_SERVER to check custom domains");
                    Resolver::builder_with_config(
                        ResolverConfig::from_name_servers(Vec::new()),
                        TokioRuntimeProvider::default(),
                    )
                }
            },
        };
        let options: &mut ResolverOpts = builder.options_mut();
        options.cache_size = 0;
        options.use_hosts_file = ResolveHosts::Never;
        options.timeout = Duration::from_secs(2);
        options.attempts = 2;
        let resolver = builder
            .build()
            .map_err(|e| format!("cannot make the DNS resolver: {e}"))?;
        Ok(Dns { resolver })
    }

    async fn ask(&self, name: &str, kind: RecordType) -> Answer {
        // Fully qualified: no search domain of the machine is tried.
        let Ok(fqdn) = Name::from_ascii(format!("{name}.")) else {
            return Answer::Failed(format!("{name} is no domain name"));
        };
        match self.resolver.lookup(fqdn, kind).await {
            Ok(lookup) => {
                let records: Vec<RData> = lookup
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == kind)
                    .map(|r| r.data.clone())
                    .collect();
                if records.is_empty() {
                    Answer::NoData
                } else {
                    Answer::Records(records)
                }
            }
            Err(e) => answer_to_error(&e),
        }
    }

    /// The TXT strings at `name` (each record's strings joined).
    async fn txt(&self, name: &str) -> Result<Vec<String>, Answer> {
        match self.ask(name, RecordType::TXT).await {
            Answer::Records(records) => Ok(records
                .iter()
                .filter_map(|r| match r {
                    RData::TXT(txt) => Some(
                        txt.txt_data
                            .iter()
                            .map(|part| String::from_utf8_lossy(part).into_owned())
                            .collect::<String>(),
                    ),
                    _ => None,
                })
                .collect()),
            other => Err(other),
        }
    }

    /// The addresses `name` resolves to (following CNAMEs); empty when none.
    async fn addresses(&self, name: &str) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        for kind in [RecordType::A, RecordType::AAAA] {
            if let Answer::Records(records) = self.ask(name, kind).await {
                all.extend(records.iter().filter_map(|r| match r {
                    RData::A(a) => Some(a.0.to_string()),
                    RData::AAAA(a) => Some(a.0.to_string()),
                    _ => None,
                }));
            }
        }
        all
    }
}

fn answer_to_error(e: &NetError) -> Answer {
    if e.is_nx_domain() {
        Answer::NxDomain
    } else if e.is_no_records_found() {
        Answer::NoData
    } else {
        Answer::Failed(e.to_string())
    }
}

/// A name as DNS writes it, as we compare it: lower case, no final dot.
fn plain(name: &Name) -> String {
    name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}

/// What a check of a domain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub finding: Finding,
    /// What is wrong, each in a sentence for the owner; empty when proved.
    pub problems: Vec<String>,
}

impl Report {
    /// The problems as one text, as the domain's record keeps it.
    pub fn problem_text(&self) -> Option<String> {
        (!self.problems.is_empty()).then(|| self.problems.join(" "))
    }
}

/// One part of a check (the TXT, or the CNAME): fine, or what is wrong,
/// and whether that is sure (`Disproved`) or DNS did not say (`Unknown`).
type Part = Result<(), (Finding, String)>;

/// Checks that `host` proves its claim: a TXT record at `_tenantry.HOST`
/// holding the token, and a CNAME to `targets[0]` (the organization's host;
/// the others are hosts that lead to it too: the subdomains it left and
/// still holds), or at a zone's apex, addresses the same as the target's.
pub async fn check(dns: &Dns, host: &str, token: &str, targets: &[String]) -> Report {
    let parts = tokio::time::timeout(CHECK_TIMEOUT, async {
        tokio::join!(check_txt(dns, host, token), check_cname(dns, host, targets))
    })
    .await;
    let (txt, cname) = match parts {
        Ok(both) => both,
        Err(_) => {
            return Report {
                finding: Finding::Unknown,
                problems: vec![format!(
                    "DNS did not answer for {host} within {} seconds; Tenantry checks again later.",
                    CHECK_TIMEOUT.as_secs()
                )],
            }
        }
    };
    let mut finding = Finding::Proved;
    let mut problems = Vec::new();
    for part in [cname, txt] {
        if let Err((found, problem)) = part {
            problems.push(problem);
            finding = match (finding, found) {
                (Finding::Disproved, _) | (_, Finding::Disproved) => Finding::Disproved,
                _ => Finding::Unknown,
            };
        }
    }
    Report { finding, problems }
}

const PROPAGATION: &str = "If you created it just now, DNS can take up to 48 hours to \
    show it everywhere; Tenantry checks again by itself.";

async fn check_txt(dns: &Dns, host: &str, token: &str) -> Part {
    let name = txt_name(host);
    let want = txt_value(token);
    let holds_token = |values: &[String]| values.iter().any(|v| v.trim() == want);
    match dns.txt(&name).await {
        Ok(values) if holds_token(&values) => Ok(()),
        Ok(values) => Err((
            Finding::Disproved,
            format!(
                "The TXT record at {name} holds “{}”, not {want}.",
                values.join("”, “")
            ),
        )),
        Err(Answer::Failed(cause)) => Err((
            Finding::Unknown,
            format!("DNS gave no answer for {name} ({cause}); Tenantry checks again later."),
        )),
        Err(_) => {
            // Where the record lands when a provider's form adds the zone
            // to the name typed, or the name was left out.
            let parent = host.split_once('.').map_or(host, |(_, parent)| parent);
            for wrong in [
                host.to_owned(),
                format!("{name}.{parent}"),
                format!("{name}.{host}"),
            ] {
                if dns.txt(&wrong).await.is_ok_and(|v| holds_token(&v)) {
                    return Err((
                        Finding::Disproved,
                        format!(
                            "The TXT record is at {wrong}, but it must be at {name}. (Some DNS \
                             providers add the domain to the name you type: then enter only \
                             the part before {parent}.)"
                        ),
                    ));
                }
            }
            Err((
                Finding::Disproved,
                format!("There is no TXT record at {name} yet. {PROPAGATION}"),
            ))
        }
    }
}

async fn check_cname(dns: &Dns, host: &str, targets: &[String]) -> Part {
    let target = targets.first().map(String::as_str).unwrap_or_default();
    match dns.ask(host, RecordType::CNAME).await {
        Answer::Records(records) => {
            let points_to: Vec<String> = records
                .iter()
                .filter_map(|r| match r {
                    RData::CNAME(cname) => Some(plain(&cname.0)),
                    _ => None,
                })
                .collect();
            if points_to.iter().any(|to| targets.contains(to)) {
                Ok(())
            } else {
                Err((
                    Finding::Disproved,
                    format!(
                        "{host} points to {}, not to {target}.",
                        points_to.join(", ")
                    ),
                ))
            }
        }
        Answer::NxDomain => Err((
            Finding::Disproved,
            format!("{host} does not exist in DNS yet. {PROPAGATION}"),
        )),
        Answer::Failed(cause) => Err((
            Finding::Unknown,
            format!("DNS gave no answer for {host} ({cause}); Tenantry checks again later."),
        )),
        Answer::NoData => {
            let apex = matches!(dns.ask(host, RecordType::SOA).await, Answer::Records(_));
            let (here, there) = tokio::join!(dns.addresses(host), dns.addresses(target));
            // A provider that flattens (ALIAS, ANAME) answers with the
            // target's own addresses.
            if apex && !here.is_empty() && here == there {
                return Ok(());
            }
            let problem = if apex {
                format!(
                    "{host} is the apex of its DNS zone, where DNS allows no CNAME record. Use \
                     a subdomain such as www.{host} or portal.{host}, or, if your DNS provider \
                     offers one, an ALIAS, ANAME or flattened CNAME record pointing to {target}."
                )
            } else if here.is_empty() {
                format!("{host} has no CNAME record pointing to {target} yet. {PROPAGATION}")
            } else {
                format!(
                    "{host} has no CNAME record: it has address records ({}). Replace them \
                     with a CNAME record pointing to {target}.",
                    here.into_iter().collect::<Vec<_>>().join(", ")
                )
            };
            Err((Finding::Disproved, problem))
        }
    }
}
