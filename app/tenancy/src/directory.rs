//! The tenant directory: which tenant a slug names, where its database is and
//! whether it may be served, cached in process so that a request costs no
//! control-plane query.
//!
//! The cache never serves a stale answer for long:
//! * a change made by this process invalidates the entry at once
//!   ([`TenantDirectory::changed`]);
//! * on PostgreSQL the change is also announced with `NOTIFY`, and every
//!   instance listens ([`TenantDirectory::listen_forever`]), so other
//!   instances (and changes made from the CLI) invalidate within moments; if
//!   the listening connection drops, everything is forgotten, since
//!   notifications may have been missed;
//! * entries also expire after a time to live: long on PostgreSQL (a safety
//!   net), one second on SQLite, where there is a single instance but the CLI
//!   may change tenants from another process.
//!
//! It is bounded: at most `max_entries` tenants, and at most
//! [`MAX_MISSES`] slugs that name no tenant, each remembered for
//! [`MISS_TTL`] so that asking again for an unknown host costs no query (a
//! new tenant is announced like any change, so it is not hidden by an
//! earlier miss). At most [`LOOKUPS_AT_ONCE`] lookups go to the control
//! database together: a flood of ever-new hosts cannot take the connections
//! that sessions and memberships need; a tenant already known is then
//! served from its last entry, however old.

use crate::catalog::{find_by_host, TenantStatus};
use crate::context::Preferences;
use crate::entities::tenants;
use crate::sync::{read, write};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The PostgreSQL channel on which tenant changes are announced; the payload
/// is the tenant's slug.
pub const CHANGES_CHANNEL: &str = "tenantry_tenant_changed";
const MAX_ENTRIES: usize = 100_000;
/// How long a slug that names no tenant is remembered as such.
pub const MISS_TTL: Duration = Duration::from_secs(5);
/// Slugs remembered as naming no tenant, at most.
pub const MAX_MISSES: usize = 10_000;
/// Lookups in the control database at once, at most.
pub const LOOKUPS_AT_ONCE: usize = 4;
/// How long a lookup waits for its turn before giving up (or serving a
/// known tenant's last entry).
const LOOKUP_WAIT: Duration = Duration::from_secs(2);

/// What a request needs to know about its tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantRecord {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub status: TenantStatus,
    pub server_id: Option<i64>,
    pub location: String,
    pub schema_version: Option<String>,
    /// How its pages look ([`TenantInfo`]'s).
    pub preferences: Preferences,
    /// The plan it is on, by name; `None`: the default.
    pub plan: Option<String>,
}

impl From<tenants::Model> for TenantRecord {
    fn from(m: tenants::Model) -> Self {
        TenantRecord {
            id: m.id,
            status: m.status(),
            slug: m.slug,
            name: m.name,
            server_id: m.database_server_id,
            location: m.database_location,
            schema_version: m.schema_version,
            plan: m.plan,
            preferences: Preferences {
                time_zone: m.time_zone,
                date_format: m.date_format,
                brand_color: m.brand_color,
                logo: m.logo,
            },
        }
    }
}

struct Cached {
    record: Arc<TenantRecord>,
    fetched: Instant,
}

pub struct TenantDirectory {
    control: DatabaseConnection,
    entries: RwLock<HashMap<String, Cached>>,
    /// Slugs that named no tenant, and when that was found.
    misses: RwLock<HashMap<String, Instant>>,
    lookups: tokio::sync::Semaphore,
    ttl: Duration,
    max_entries: usize,
    /// Bumped by every invalidation: a lookup that started before one does
    /// not cache what it read.
    generation: AtomicU64,
    /// Lookups that went to the control database, since start.
    queries: AtomicU64,
}

impl TenantDirectory {
    pub fn new(control: DatabaseConnection) -> Self {
        let ttl = match control.get_database_backend() {
            DbBackend::Postgres => Duration::from_secs(30),
            _ => Duration::from_secs(1),
        };
        TenantDirectory {
            control,
            entries: RwLock::new(HashMap::new()),
            misses: RwLock::new(HashMap::new()),
            lookups: tokio::sync::Semaphore::new(LOOKUPS_AT_ONCE),
            ttl,
            max_entries: MAX_ENTRIES,
            generation: AtomicU64::new(0),
            queries: AtomicU64::new(0),
        }
    }

    /// The tenant at `slug`, in whatever state, or `None`. A subdomain the
    /// tenant left and still holds finds it too, and so does a custom
    /// domain it is verified for (a `slug` with a dot): the record's `slug`
    /// is then the one it has now, and [`TenantDirectory::invalidate`] of
    /// that slug forgets these entries with the rest.
    pub async fn lookup(&self, slug: &str) -> Result<Option<Arc<TenantRecord>>, DbErr> {
        let stale = match read(&self.entries).get(slug) {
            Some(cached) if cached.fetched.elapsed() < self.ttl => {
                return Ok(Some(cached.record.clone()))
            }
            Some(cached) => Some(cached.record.clone()),
            None => None,
        };
        if stale.is_none() && self.known_missing(slug) {
            return Ok(None);
        }
        let Ok(Ok(_turn)) = tokio::time::timeout(LOOKUP_WAIT, self.lookups.acquire()).await else {
            return match stale {
                Some(record) => Ok(Some(record)),
                None => Err(DbErr::Custom("too many tenant lookups at once".to_owned())),
            };
        };
        let generation = self.generation.load(Ordering::Acquire);
        self.queries.fetch_add(1, Ordering::Relaxed);
        let found = find_by_host(&self.control, slug).await?;
        let Some(model) = found else {
            write(&self.entries).remove(slug);
            if self.generation.load(Ordering::Acquire) == generation {
                self.remember_missing(slug);
            }
            return Ok(None);
        };
        let record = Arc::new(TenantRecord::from(model));
        let mut entries = write(&self.entries);
        if self.generation.load(Ordering::Acquire) == generation {
            if entries.len() >= self.max_entries {
                let ttl = self.ttl;
                entries.retain(|_, c| c.fetched.elapsed() < ttl);
                if entries.len() >= self.max_entries {
                    entries.clear();
                }
            }
            entries.insert(
                slug.to_owned(),
                Cached {
                    record: record.clone(),
                    fetched: Instant::now(),
                },
            );
        }
        Ok(Some(record))
    }

    /// Whether `slug` is cached as naming a tenant (fresh or not): its
    /// requests need no lookup of an unknown host.
    pub fn is_known(&self, slug: &str) -> bool {
        read(&self.entries).contains_key(slug)
    }

    fn known_missing(&self, slug: &str) -> bool {
        read(&self.misses)
            .get(slug)
            .is_some_and(|at| at.elapsed() < MISS_TTL)
    }

    fn remember_missing(&self, slug: &str) {
        let mut misses = write(&self.misses);
        if misses.len() >= MAX_MISSES {
            misses.retain(|_, at| at.elapsed() < MISS_TTL);
            if misses.len() >= MAX_MISSES {
                misses.clear();
            }
        }
        misses.insert(slug.to_owned(), Instant::now());
    }

    /// Forgets what is cached about `slug`: the tenant at it, including
    /// where it is cached under the subdomains it left.
    pub fn invalidate(&self, slug: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let mut entries = write(&self.entries);
        entries.remove(slug);
        entries.retain(|_, cached| cached.record.slug != slug);
        drop(entries);
        write(&self.misses).remove(slug);
    }

    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        write(&self.entries).clear();
        write(&self.misses).clear();
    }

    /// Tenants cached (slugs remembered as unknown are not counted).
    pub fn len(&self) -> usize {
        read(&self.entries).len()
    }

    /// Slugs remembered as naming no tenant.
    pub fn misses(&self) -> usize {
        read(&self.misses).len()
    }

    /// Bumped by every invalidation, local or announced: what was read
    /// about tenants before it may be stale.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Lookups that went to the control database since start.
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Call after changing a tenant in the control plane: forgets it here and
    /// tells the other instances.
    pub async fn changed(&self, slug: &str) -> Result<(), DbErr> {
        self.invalidate(slug);
        announce_change(&self.control, slug).await
    }

    /// Listens for changes announced by other instances and the CLI
    /// (PostgreSQL only; returns at once on SQLite). Runs until the process
    /// ends, reconnecting as needed.
    pub async fn listen_forever(self: Arc<Self>) {
        use sea_orm::sqlx::postgres::PgListener;
        if self.control.get_database_backend() != DbBackend::Postgres {
            return;
        }
        let pool = self.control.get_postgres_connection_pool().clone();
        loop {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(e) => {
                    tracing::warn!(error = %e, "tenant change listener cannot connect; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(CHANGES_CHANNEL).await {
                tracing::warn!(error = %e, "tenant change listener cannot LISTEN; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Anything changed while not listening is unknown: start afresh.
            self.clear();
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => self.invalidate(notification.payload()),
                    Ok(None) => {
                        tracing::warn!("tenant change listener lost its connection");
                        self.clear();
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "tenant change listener failed; reconnecting");
                        self.clear();
                        break;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Tells every instance that the tenant at `slug` changed (PostgreSQL
/// `NOTIFY`, delivered when the surrounding transaction commits).
pub async fn announce_change(control: &impl ConnectionTrait, slug: &str) -> Result<(), DbErr> {
    if control.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    control
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANGES_CHANNEL.into(), slug.into()],
        ))
        .await
        .map(|_| ())
}
