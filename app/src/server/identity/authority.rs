//! What every signed-in request reads from the control database (its
//! session, the member that session signs in, the account menu's
//! organizations), cached in process for a few seconds so that a page view
//! costs no control-plane round trip.
//!
//! A change that must count at once never waits for the cache to expire:
//! * the code that commits a change to someone's authority (role change,
//!   removal, joining, log-out and "log out everywhere", a password reset,
//!   a confirmed address) calls [`AuthorityCache::user_changed`] after the
//!   commit, which forgets everything cached about that user here before
//!   the change's own request answers, and on PostgreSQL announces it with
//!   `NOTIFY` so that every other instance forgets it as soon as the
//!   notification arrives;
//! * an entry read before a change and put in the cache after it is not
//!   kept (a generation counter, as in the tenant directory);
//! * any change to a tenant (suspension, deletion, rename: the tenant
//!   directory's invalidations, local or announced) makes every member and
//!   account entry stale;
//! * on PostgreSQL the cache serves nothing while its listening connection
//!   is down (notifications may be missed then), and starts empty once it
//!   listens again;
//! * every entry expires after [`TTL`] whatever happens: the safety net for
//!   a process that committed a change and died before announcing it.
//!
//! It is bounded: each kind of entry at most [`MAX_ENTRIES`].
//!
//! Nothing decides with it alone what a write may do: the writes that
//! depend on a role (changing members, say) read it again inside their
//! transaction.

use crate::model::{auth::Organization, Role};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tenancy::{
    directory::TenantDirectory,
    sync::{read, write},
};
use tower_sessions::session::Record;

/// The PostgreSQL channel on which changes to a user's authority are
/// announced; the payload is the user's id.
pub const CHANNEL: &str = "tenantry_authority_changed";
/// How long an entry is served at most, changes or not.
pub const TTL: Duration = Duration::from_secs(10);
/// Entries of each kind (sessions, members, accounts), at most.
pub const MAX_ENTRIES: usize = 50_000;

/// A signed-in member of a tenant, as a request's permission check sees
/// them.
#[derive(Clone, Debug)]
pub struct CurrentMember {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    /// Whether they have confirmed their email address.
    pub email_verified: bool,
}

/// What the account menu shows of a user.
#[derive(Clone, Debug)]
pub struct AccountFacts {
    pub email: String,
    /// Their first organizations by name.
    pub organizations: Vec<Organization>,
    /// How many organizations they have in all.
    pub total: u64,
}

struct Entry<V> {
    value: V,
    at: Instant,
    /// The tenant directory's generation when the value was read.
    tenants: u64,
}

/// One kind of entry.
struct Shelf<K, V>(RwLock<HashMap<K, Entry<V>>>);

impl<K: Hash + Eq, V: Clone> Shelf<K, V> {
    fn new() -> Self {
        Shelf(RwLock::new(HashMap::new()))
    }

    fn get(&self, key: &K, tenants: u64) -> Option<V> {
        read(&self.0)
            .get(key)
            .filter(|e| e.at.elapsed() < TTL && e.tenants == tenants)
            .map(|e| e.value.clone())
    }

    /// Inserts into `map`, the shelf's map under its write lock.
    fn put(map: &mut HashMap<K, Entry<V>>, key: K, value: V, tenants: u64) {
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, e| e.at.elapsed() < TTL);
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
        }
        map.insert(
            key,
            Entry {
                value,
                at: Instant::now(),
                tenants,
            },
        );
    }

    fn remove(&self, key: &K) {
        write(&self.0).remove(key);
    }

    fn retain(&self, keep: impl Fn(&K, &V) -> bool) {
        write(&self.0).retain(|k, e| keep(k, &e.value));
    }

    fn clear(&self) {
        write(&self.0).clear();
    }

    fn len(&self) -> usize {
        read(&self.0).len()
    }
}

/// When a read began: what it finds may be kept only if nothing was
/// forgotten meanwhile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    own: u64,
    tenants: u64,
}

pub struct AuthorityCache {
    control: DatabaseConnection,
    directory: Arc<TenantDirectory>,
    sessions: Shelf<String, Record>,
    members: Shelf<(i64, i64), CurrentMember>,
    accounts: Shelf<i64, Arc<AccountFacts>>,
    /// Bumped by every forgetting.
    generation: AtomicU64,
    /// Whether changes announced by other instances reach this one: always
    /// on SQLite (one instance), on PostgreSQL while the listener listens.
    live: AtomicBool,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl AuthorityCache {
    pub fn new(control: DatabaseConnection, directory: Arc<TenantDirectory>) -> Self {
        let live = control.get_database_backend() != DbBackend::Postgres;
        AuthorityCache {
            control,
            directory,
            sessions: Shelf::new(),
            members: Shelf::new(),
            accounts: Shelf::new(),
            generation: AtomicU64::new(0),
            live: AtomicBool::new(live),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Take before reading what will be [kept](Self::keep_session).
    pub fn stamp(&self) -> Stamp {
        Stamp {
            own: self.generation.load(Ordering::Acquire),
            tenants: self.directory.generation(),
        }
    }

    fn fresh<K: Hash + Eq, V: Clone>(&self, shelf: &Shelf<K, V>, key: &K) -> Option<V> {
        let found = if self.live.load(Ordering::Acquire) {
            shelf.get(key, self.directory.generation())
        } else {
            None
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn keep<K: Hash + Eq, V: Clone>(&self, shelf: &Shelf<K, V>, key: K, value: V, since: Stamp) {
        // Under the shelf's lock, so that a forgetting cannot slip between
        // the check and the insert.
        let mut map = write(&shelf.0);
        if self.live.load(Ordering::Acquire) && self.stamp() == since {
            Shelf::put(&mut map, key, value, since.tenants);
        }
    }

    /// The value at `key`, from the cache or from `read` (whose answer is
    /// kept only when it is `Ok`).
    async fn through<K, V, E, F>(&self, shelf: &Shelf<K, V>, key: K, read: F) -> Result<V, E>
    where
        K: Hash + Eq,
        V: Clone,
        F: Future<Output = Result<V, E>>,
    {
        if let Some(value) = self.fresh(shelf, &key) {
            return Ok(value);
        }
        let since = self.stamp();
        let value = read.await?;
        self.keep(shelf, key, value.clone(), since);
        Ok(value)
    }

    /// The session record `id`, if cached and not expired.
    pub fn session(&self, id: &str) -> Option<Record> {
        let record = self.fresh(&self.sessions, &id.to_owned())?;
        (record.expiry_date > time::OffsetDateTime::now_utc()).then_some(record)
    }

    /// Keeps the session record `id`, read or written since `since`.
    pub fn keep_session(&self, since: Stamp, id: String, record: Record) {
        self.keep(&self.sessions, id, record, since);
    }

    /// Forgets the session `id` here (it was deleted).
    pub fn forget_session(&self, id: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.sessions.remove(&id.to_owned());
    }

    /// The member `user_id` of tenant `tenant_id`, cached or from `read`.
    pub async fn member<E>(
        &self,
        user_id: i64,
        tenant_id: i64,
        read: impl Future<Output = Result<CurrentMember, E>>,
    ) -> Result<CurrentMember, E> {
        self.through(&self.members, (user_id, tenant_id), read)
            .await
    }

    /// What the account menu shows of `user_id`, cached or from `read`.
    pub async fn account<E>(
        &self,
        user_id: i64,
        read: impl Future<Output = Result<AccountFacts, E>>,
    ) -> Result<Arc<AccountFacts>, E> {
        self.through(&self.accounts, user_id, async { read.await.map(Arc::new) })
            .await
    }

    /// Call after committing a change to `user_id`'s sessions, memberships
    /// or account: forgets everything cached about them here, and tells
    /// the other instances. A failed announcement is logged, not returned:
    /// the change is committed, and the other instances' entries expire.
    pub async fn user_changed(&self, user_id: i64) {
        self.forget_user(user_id);
        if self.control.get_database_backend() != DbBackend::Postgres {
            return;
        }
        let announced = self
            .control
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), user_id.to_string().into()],
            ))
            .await;
        if let Err(e) = announced {
            tracing::warn!(error = %e, user_id, "could not announce a change of authority");
        }
    }

    /// [`user_changed`](Self::user_changed) for each of `user_ids`.
    pub async fn users_changed(&self, user_ids: &[i64]) {
        for &user_id in user_ids {
            self.user_changed(user_id).await;
        }
    }

    fn forget_user(&self, user_id: i64) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.sessions
            .retain(|_, record| super::session_store::user_of(record) != Some(user_id));
        self.members.retain(|&(user, _), _| user != user_id);
        self.accounts.remove(&user_id);
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.sessions.clear();
        self.members.clear();
        self.accounts.clear();
    }

    /// Whether the cache serves: on PostgreSQL only while it listens for
    /// the other instances' changes.
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// Entries cached: (sessions, members, accounts).
    pub fn len(&self) -> (usize, usize, usize) {
        (self.sessions.len(), self.members.len(), self.accounts.len())
    }

    /// Reads served from the cache and reads that were not, since start.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Follows the changes other instances announce (PostgreSQL only;
    /// returns at once on SQLite). Runs until the process ends,
    /// reconnecting as needed; serves nothing from the cache while not
    /// listening.
    pub async fn listen_forever(self: Arc<Self>) {
        use sea_orm::sqlx::postgres::PgListener;
        if self.control.get_database_backend() != DbBackend::Postgres {
            return;
        }
        let pool = self.control.get_postgres_connection_pool().clone();
        loop {
            let listening = async {
                let mut listener = PgListener::connect_with(&pool).await?;
                listener.listen(CHANNEL).await?;
                Ok::<_, sea_orm::sqlx::Error>(listener)
            };
            let mut listener = match listening.await {
                Ok(listener) => listener,
                Err(e) => {
                    tracing::warn!(error = %e, "authority change listener cannot listen; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            // Whatever was read before now may have missed a change.
            self.clear();
            self.live.store(true, Ordering::Release);
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => match notification.payload().parse::<i64>() {
                        Ok(user_id) => self.forget_user(user_id),
                        Err(_) => self.clear(),
                    },
                    Ok(None) => {
                        tracing::warn!("authority change listener lost its connection");
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "authority change listener failed; reconnecting");
                        break;
                    }
                }
            }
            self.live.store(false, Ordering::Release);
            self.clear();
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl std::fmt::Debug for AuthorityCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorityCache")
            .field("entries", &self.len())
            .field("live", &self.live.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
