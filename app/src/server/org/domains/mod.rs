//! Custom domains: an owner adds a host of their own, creates the DNS
//! records the page shows (a CNAME to the organization's host and a TXT
//! record with its token), and Tenantry serves the organization there too
//! once DNS proves them, checking on request and by itself
//! ([`Checker::check_due`]: a domain whose records moved away stops being
//! served, so nobody else can take it over through a dangling record).
//!
//! What is kept and raced over is `tenancy::domains`; this module asks DNS
//! ([`dns`]), words the answer, audits, and tells the tenant cache, which
//! routes a verified host to its organization.

pub mod dns;

use crate::model::{
    domains::{txt_name, txt_value, DnsRecord, Domain, DomainsPage, DOMAINS_AT_MOST},
    hostname::domain_problem,
    AppError,
};
use crate::server::{
    error::internal,
    org::audit::{self, Action, Actor, Change},
    secret::random_hex,
    settings::Settings,
    time::{now_unix, Local},
};
use dns::{Dns, Report};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait};
use tenancy::{
    audit::PlatformActor,
    catalog,
    context::TenantCtx,
    directory::{announce_change, TenantDirectory},
    domains::{self, DomainError, Finding, Schedule},
    entities::{custom_domains, tenants},
};

/// When domains are checked by themselves: a served one every hour, one
/// still waiting for its records every five minutes for a week.
pub const SCHEDULE: Schedule = Schedule {
    verified_every: 60 * 60,
    pending_every: 5 * 60,
    pending_for: 7 * 24 * 60 * 60,
};

/// Domains checked by one round of [`Checker::check_due`], at most.
pub const CHECKS_A_ROUND: u64 = 20;

/// What the owner typed as the host it is: lower case, without a scheme,
/// path, port or final dot, Unicode names in their ASCII (punycode) form.
pub fn normalize(typed: &str) -> String {
    let typed = typed.trim();
    let with_scheme = if typed.contains("://") {
        typed.to_owned()
    } else {
        format!("http://{typed}")
    };
    match url::Url::parse(&with_scheme) {
        Ok(url) => url
            .host_str()
            .unwrap_or_default()
            .trim_end_matches('.')
            .to_owned(),
        Err(_) => typed.to_ascii_lowercase(),
    }
}

/// The custom-domain page of `ctx`'s organization, whose host is `target`.
pub async fn page(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    target: &str,
    (local, settings): (&Local, &Settings),
) -> Result<DomainsPage, AppError> {
    let domains = domains::of_tenant(control, ctx.tenant.id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|d| view(d, target, local, settings))
        .collect();
    Ok(DomainsPage {
        target: target.to_owned(),
        domains,
    })
}

fn view(domain: custom_domains::Model, target: &str, local: &Local, settings: &Settings) -> Domain {
    Domain {
        url: settings.url_for(&domain.host, "/"),
        records: vec![
            DnsRecord {
                kind: "CNAME".to_owned(),
                name: domain.host.clone(),
                value: target.to_owned(),
            },
            DnsRecord {
                kind: "TXT".to_owned(),
                name: txt_name(&domain.host),
                value: txt_value(&domain.token),
            },
        ],
        verified: domain.verified_at.is_some(),
        checked: domain.checked_at.map(|at| local.datetime(at)),
        problem: domain.problem,
        host: domain.host,
    }
}

/// Adds `typed` as a domain of `ctx`'s organization, waiting for its DNS
/// records. Audited. The host as kept.
///
/// # Errors
/// `Validation` next to `host`: not a domain name, under `base` (the
/// organization has its subdomain there), added already, or too many.
pub async fn add(
    control: &DatabaseConnection,
    ctx: &TenantCtx,
    actor: &Actor,
    base: &str,
    typed: &str,
) -> Result<String, AppError> {
    let host = normalize(typed);
    let refuse = |message: &str| AppError::field_echo("host", typed.trim(), message);
    if let Some(problem) = domain_problem(&host) {
        return Err(refuse(problem));
    }
    if host == base || host.ends_with(&format!(".{base}")) {
        return Err(refuse(&format!(
            "{host} is Tenantry's own: enter a domain of your organization's, such as \
             portal.example.com."
        )));
    }
    let token = random_hex(16);
    let change = Change {
        action: Action::DomainAdd,
        target: host.clone(),
        before: None,
        after: None,
    };
    audit::audited(&ctx.db, control, async |both| {
        both.record(actor, change).await?;
        let added = domains::add(
            both.control,
            ctx.tenant.id,
            &host,
            &token,
            now_unix(),
            DOMAINS_AT_MOST,
        );
        match added.await {
            Ok(()) => Ok(()),
            Err(DomainError::AlreadyAdded) => Err(refuse("This domain is added already.")),
            Err(DomainError::TooMany(n)) => Err(refuse(&format!(
                "An organization can have {n} custom domains at most. Remove one first."
            ))),
            Err(e) => Err(internal(e)),
        }
    })
    .await?;
    Ok(host)
}

/// Removes one of the organization's domains; it is no longer served.
/// Audited.
pub async fn remove(
    control: &DatabaseConnection,
    directory: &TenantDirectory,
    ctx: &TenantCtx,
    actor: &Actor,
    host: &str,
) -> Result<(), AppError> {
    let change = Change {
        action: Action::DomainRemove,
        target: host.to_owned(),
        before: None,
        after: None,
    };
    audit::audited(&ctx.db, control, async |both| {
        both.record(actor, change).await?;
        let served = domains::remove(both.control, ctx.tenant.id, host)
            .await
            .map_err(domain_error)?;
        if served {
            announce(both.control, &ctx.tenant.slug, host).await?;
        }
        Ok(())
    })
    .await?;
    forget(directory, &ctx.tenant.slug, host);
    Ok(())
}

/// What checking domains needs of the server.
pub struct Checker<'a> {
    pub control: &'a DatabaseConnection,
    pub directory: &'a TenantDirectory,
    pub dns: &'a Dns,
    /// The base domain (organizations' hosts are `SLUG.BASE`) and the
    /// public port of links.
    pub settings: &'a Settings,
}

impl Checker<'_> {
    /// Checks `host`'s DNS now, for an owner of `ctx`'s organization:
    /// records what was found, serves the domain or stops, audits a change
    /// of either. The domain as the page shows it then.
    pub async fn verify(
        &self,
        ctx: &TenantCtx,
        actor: &Actor,
        local: &Local,
        host: &str,
    ) -> Result<Domain, AppError> {
        let (control, tenant_id, slug) = (self.control, ctx.tenant.id, &ctx.tenant.slug);
        let domain = domains::find(control, tenant_id, host)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let targets = self.targets(tenant_id, slug).await.map_err(internal)?;
        let report = dns::check(self.dns, host, &domain.token, &targets).await;
        if report.finding == Finding::Proved {
            self.release_from_another(tenant_id, host)
                .await
                .map_err(internal)?;
        }
        let was_served = domain.verified_at.is_some();
        audit::audited(&ctx.db, control, async |both| {
            let Some(served) = record(both.control, tenant_id, host, &report).await? else {
                return Ok(());
            };
            if served != was_served {
                let action = if served {
                    Action::DomainVerify
                } else {
                    Action::DomainUnverify
                };
                let change = Change {
                    action,
                    target: host.to_owned(),
                    before: None,
                    after: report.problem_text(),
                };
                both.record(actor, change).await?;
                announce(both.control, slug, host).await?;
            }
            Ok(())
        })
        .await?;
        forget(self.directory, slug, host);
        let domain = domains::find(control, tenant_id, host)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        Ok(view(domain, &targets[0], local, self.settings))
    }

    /// One round of the periodic checks: at most [`CHECKS_A_ROUND`]
    /// domains due at `now`, each checked and recorded; a served domain
    /// that DNS no longer proves stops being served (in the platform
    /// audit). How many were checked.
    pub async fn check_due(&self, now: i64) -> Result<usize, DbErr> {
        let due = domains::due(self.control, now, SCHEDULE, CHECKS_A_ROUND).await?;
        for (domain, slug) in &due {
            self.check_one(domain, slug).await?;
        }
        Ok(due.len())
    }

    /// The hosts a domain's CNAME may name: the organization's, then the
    /// subdomains it left and still holds (they lead to it too).
    async fn targets(&self, tenant_id: i64, slug: &str) -> Result<Vec<String>, DbErr> {
        let base = &self.settings.base_domain;
        let mut targets = vec![format!("{slug}.{base}")];
        let former = catalog::former_subdomains(self.control, tenant_id, now_unix()).await?;
        targets.extend(former.into_iter().map(|f| format!("{}.{base}", f.slug)));
        Ok(targets)
    }

    /// When DNS proves `host` for `tenant_id` but another organization is
    /// served there: checks the other one's claim now, which DNS then
    /// disproves (its records moved here), so that it stops at once rather
    /// than at its next hourly check.
    async fn release_from_another(&self, tenant_id: i64, host: &str) -> Result<(), DbErr> {
        let Some(other) = domains::other_holder(self.control, tenant_id, host).await? else {
            return Ok(());
        };
        let Some(tenant) = tenants::Entity::find_by_id(other.tenant_id)
            .one(self.control)
            .await?
        else {
            return Ok(());
        };
        self.check_one(&other, &tenant.slug).await
    }

    /// Checks one domain without its owner (the periodic round, or another
    /// organization's claim): records it; a change of serving goes to the
    /// platform audit and to every instance.
    async fn check_one(&self, domain: &custom_domains::Model, slug: &str) -> Result<(), DbErr> {
        let control = self.control;
        let targets = self.targets(domain.tenant_id, slug).await?;
        let report = dns::check(self.dns, &domain.host, &domain.token, &targets).await;
        let problem = report.problem_text();
        let recorded = domains::record_check(
            control,
            domain.tenant_id,
            &domain.host,
            report.finding,
            problem.as_deref(),
            now_unix(),
        )
        .await;
        let served = match recorded {
            Ok(served) => served,
            Err(DomainError::Db(e)) => return Err(e),
            // Removed meanwhile, or another organization is served there.
            Err(_) => return Ok(()),
        };
        if served == domain.verified_at.is_some() {
            return Ok(());
        }
        let action = if served {
            "domain.verify"
        } else {
            "domain.unverify"
        };
        let found = problem.as_deref().unwrap_or("its records are right");
        tenancy::audit::record(
            control,
            &PlatformActor::System,
            action,
            Some((domain.tenant_id, slug)),
            format!("{}: {found}", domain.host),
        )
        .await?;
        announce_change(control, slug).await?;
        announce_change(control, &domain.host).await?;
        forget(self.directory, slug, &domain.host);
        Ok(())
    }
}

/// Records `report` for the domain; whether it is served now, or `None`
/// when another organization is (the recorded problem says so).
async fn record(
    control: &DatabaseTransaction,
    tenant_id: i64,
    host: &str,
    report: &Report,
) -> Result<Option<bool>, AppError> {
    let problem = report.problem_text();
    let recorded = domains::record_check(
        control,
        tenant_id,
        host,
        report.finding,
        problem.as_deref(),
        now_unix(),
    );
    match recorded.await {
        Ok(served) => Ok(Some(served)),
        Err(DomainError::ServedByAnother) => Ok(None),
        Err(e) => Err(domain_error(e)),
    }
}

/// Tells every instance that `host` now leads to `slug`'s organization or
/// no longer does (delivered when the transaction commits).
async fn announce(
    control: &impl sea_orm::ConnectionTrait,
    slug: &str,
    host: &str,
) -> Result<(), AppError> {
    announce_change(control, slug).await.map_err(internal)?;
    announce_change(control, host).await.map_err(internal)
}

/// Forgets here what is cached of the organization and of `host`.
fn forget(directory: &TenantDirectory, slug: &str, host: &str) {
    directory.invalidate(slug);
    directory.invalidate(host);
}

fn domain_error(e: DomainError) -> AppError {
    match e {
        DomainError::NotFound => AppError::NotFound,
        other => internal(other),
    }
}
