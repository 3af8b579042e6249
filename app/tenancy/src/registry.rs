//! The connection registry: every connection Tenantry opens to a tenant
//! database goes through it, so it can keep two promises whatever the number
//! of tenants or the load:
//!
//! * **A server's budget is never exceeded.** Each database server has a
//!   connection budget, a semaphore of that many permits. A tenant's pool is
//!   opened lazily and *reserves* as many permits as it may open connections
//!   (up to `pool_max`, less when many pools share the server); the permits
//!   go back only after the pool is closed.
//!   Admin and one-off connections (provisioning, migrations) reserve one.
//!   When a server is full, a pool that no request is using is closed to make
//!   room (one larger than the newcomer's share first, then the least
//!   recently used); if every pool is in use, the request waits up to
//!   `wait_timeout` and then fails with [`RegistryError::Busy`] (a 503),
//!   never with an error from PostgreSQL.
//! * **Many busy tenants share the budget instead of taking turns.** A new
//!   pool's share is the budget divided by the server's *demand*: the
//!   tenants that used a pool in the last [`DEMAND_WINDOW`], whether it is
//!   still open or was closed to make room. So when more tenants are busy
//!   than the budget has room for at full size, pools are reopened smaller
//!   until every busy tenant keeps one, rather than each newcomer closing
//!   the pool the next request needs (least-recently-used eviction's worst
//!   case). When demand falls again, a pool that is smaller than today's
//!   share and has been found with every connection in use is reopened at
//!   that share by the sweeper.
//! * **Idle tenants hold nothing.** A sweeper closes pools unused for
//!   `idle_timeout`.
//!
//! A pool is "in use" while a request holds a [`Lease`] on it (the lease
//! travels inside the request's `TenantCtx`). Request code never calls the
//! registry itself: the tenancy middleware does. The CLI and the super-admin
//! code use it explicitly.

use crate::db::{base_options, pg_ident, sqlite_url};
use crate::entities::database_servers;
use crate::sync::{lock, read as lock_read, write as lock_write};
use sea_orm::{Database, DatabaseConnection, DbErr, EntityTrait};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// The server every deployment has: the one `TENANTRY_TENANT_DATABASES` names.
pub const DEFAULT_SERVER: &str = "default";
pub const KIND_POSTGRES: &str = "postgres";
pub const KIND_SQLITE: &str = "sqlite";

/// Pools being opened at once are serialized per key through this many locks.
const OPEN_STRIPES: usize = 64;

/// A tenant that used its pool this recently counts as demand on its server
/// when the budget is shared out.
pub const DEMAND_WINDOW: Duration = Duration::from_secs(3);

#[derive(Clone, Debug)]
pub struct RegistrySettings {
    /// Connections one tenant's pool may hold.
    pub pool_max: u32,
    /// A pool unused this long is closed.
    pub idle_timeout: Duration,
    /// How long a request waits for room on a full server before a 503.
    pub wait_timeout: Duration,
    /// Prefix of tenant database names on PostgreSQL servers.
    pub name_prefix: String,
}

impl Default for RegistrySettings {
    fn default() -> Self {
        RegistrySettings {
            pool_max: 8,
            idle_timeout: Duration::from_secs(60),
            wait_timeout: Duration::from_secs(3),
            name_prefix: "tenantry_".to_owned(),
        }
    }
}

/// Where a server keeps tenant databases.
#[derive(Clone)]
pub enum ServerKind {
    /// One SQLite file per tenant in a directory.
    Sqlite { dir: PathBuf },
    /// A PostgreSQL server; `admin_url` names a maintenance database on it.
    Postgres { admin_url: String },
}

impl std::fmt::Debug for ServerKind {
    // The PostgreSQL URL may carry a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerKind::Sqlite { dir } => f.debug_struct("Sqlite").field("dir", dir).finish(),
            ServerKind::Postgres { .. } => f
                .debug_struct("Postgres")
                .field("admin_url", &"[redacted]")
                .finish(),
        }
    }
}

/// A database server tenant databases live on, as the registry uses it.
#[derive(Clone, Debug)]
pub struct DatabaseServer {
    pub id: i64,
    pub name: String,
    pub kind: ServerKind,
    pub budget: u32,
}

impl DatabaseServer {
    pub fn from_model(model: &database_servers::Model) -> Result<Self, DbErr> {
        let kind = match model.kind.as_str() {
            KIND_POSTGRES => ServerKind::Postgres {
                admin_url: model.url.clone(),
            },
            KIND_SQLITE => ServerKind::Sqlite {
                dir: PathBuf::from(&model.url),
            },
            other => {
                return Err(DbErr::Custom(format!(
                    "database server {} has unknown kind {other:?}",
                    model.name
                )))
            }
        };
        Ok(DatabaseServer {
            id: model.id,
            name: model.name.clone(),
            kind,
            budget: u32::try_from(model.connection_budget.max(1)).unwrap_or(1),
        })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.kind, ServerKind::Postgres { .. })
    }

    /// The URL to connect to the database at `location` on this server.
    pub fn url(&self, location: &str) -> Result<String, DbErr> {
        match &self.kind {
            ServerKind::Sqlite { .. } => Ok(sqlite_url(location, false)),
            ServerKind::Postgres { admin_url } => {
                let mut url = url::Url::parse(admin_url)
                    .map_err(|e| DbErr::Custom(format!("invalid PostgreSQL URL: {e}")))?;
                url.set_path(&format!("/{}", pg_ident(location)?));
                Ok(url.to_string())
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Every connection the server's budget allows is in use by requests.
    #[error("all {budget} connections to database server {server} are in use")]
    Busy { server: String, budget: u32 },
    #[error("tenant database refers to unknown database server {0}")]
    UnknownServer(i64),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Figures about open pools and connections, for logs and metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryStats {
    pub open_pools: usize,
    /// Requests that had to wait for room on a full server.
    pub waits: u64,
    /// Requests that waited in vain and got a 503.
    pub timeouts: u64,
    pub pools_opened: u64,
    pub pools_closed: u64,
    pub servers: Vec<ServerStats>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerStats {
    pub id: i64,
    pub name: String,
    pub budget: u32,
    /// Connections reserved now (open or allowed to open): never above budget.
    pub reserved: u32,
    /// The most ever reserved at once.
    pub peak_reserved: u32,
    /// Connections actually open now in this server's tenant pools.
    pub open_connections: u32,
}

struct ServerSlot {
    server: DatabaseServer,
    permits: Arc<Semaphore>,
    peak: AtomicU32,
}

impl ServerSlot {
    fn new(server: DatabaseServer) -> Self {
        ServerSlot {
            permits: Arc::new(Semaphore::new(server.budget as usize)),
            peak: AtomicU32::new(0),
            server,
        }
    }

    fn reserved(&self) -> u32 {
        self.server
            .budget
            .saturating_sub(self.permits.available_permits() as u32)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum PoolKey {
    Tenant(i64),
    Admin(i64),
}

/// Permits reserved on a server. Dropping it gives them back and wakes
/// requests waiting for room.
struct Reservation {
    permit: Option<OwnedSemaphorePermit>,
    released: Arc<Notify>,
}

impl Reservation {
    fn size(&self) -> u32 {
        self.permit.as_ref().map_or(0, |p| p.num_permits() as u32)
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        drop(self.permit.take());
        self.released.notify_waiters();
    }
}

/// The open pools, and the tenants whose pools were closed to make room
/// (with when they were last used): both count as demand on their server.
#[derive(Default)]
struct Pools {
    open: HashMap<PoolKey, PoolEntry>,
    evicted: HashMap<PoolKey, (i64, Instant)>,
}

impl Pools {
    /// How many pools share `server_id` if `key` has one: `key` itself, the
    /// other pools in use or used within [`DEMAND_WINDOW`], and the tenants
    /// evicted within it.
    fn demand(&self, server_id: i64, key: PoolKey) -> u32 {
        let open = self
            .open
            .iter()
            .filter(|(k, e)| {
                **k != key
                    && e.server_id == server_id
                    && (Arc::strong_count(&e.token) > 1 || e.last_used.elapsed() < DEMAND_WINDOW)
            })
            .count();
        let evicted = self
            .evicted
            .iter()
            .filter(|(k, (server, last_used))| {
                **k != key && *server == server_id && last_used.elapsed() < DEMAND_WINDOW
            })
            .count();
        u32::try_from(open + evicted + 1).unwrap_or(u32::MAX)
    }
}

struct PoolEntry {
    db: DatabaseConnection,
    server_id: i64,
    location: String,
    /// Cloned into every lease: a count above one means a request uses the pool.
    token: Arc<()>,
    last_used: Instant,
    /// A request found every connection of the pool in use since the last
    /// sweep: the pool may be too small.
    crowded: bool,
    reservation: Reservation,
}

/// Marks a pool as in use while a request holds it.
#[derive(Clone)]
pub struct Lease(#[allow(dead_code)] Arc<LeaseInner>);

struct LeaseInner {
    token: Option<Arc<()>>,
    released: Arc<Notify>,
}

impl Drop for LeaseInner {
    fn drop(&mut self) {
        // Let go of the pool first, then wake whoever waits to evict it.
        drop(self.token.take());
        self.released.notify_waiters();
    }
}

/// A tenant's pool, held for the length of a request.
#[derive(Clone)]
pub struct TenantConnection {
    pub db: DatabaseConnection,
    pub lease: Lease,
}

/// A connection outside the pools (migrating, provisioning), holding one
/// permit of its server's budget until [`OneOff::close`].
pub struct OneOff {
    pub db: DatabaseConnection,
    _reservation: Reservation,
}

impl OneOff {
    pub async fn close(self) -> Result<(), DbErr> {
        self.db.close_by_ref().await
    }
}

pub struct TenantRegistry {
    control: DatabaseConnection,
    settings: RegistrySettings,
    servers: RwLock<HashMap<i64, Arc<ServerSlot>>>,
    pools: Mutex<Pools>,
    opening: Vec<tokio::sync::Mutex<()>>,
    released: Arc<Notify>,
    waits: AtomicU64,
    timeouts: AtomicU64,
    pools_opened: AtomicU64,
    pools_closed: AtomicU64,
}

impl TenantRegistry {
    /// The registry reads the database servers from `control` when it meets
    /// one it does not know yet.
    pub fn new(control: DatabaseConnection, settings: RegistrySettings) -> Self {
        TenantRegistry {
            control,
            settings,
            servers: RwLock::new(HashMap::new()),
            pools: Mutex::new(Pools::default()),
            opening: (0..OPEN_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
            released: Arc::new(Notify::new()),
            waits: AtomicU64::new(0),
            timeouts: AtomicU64::new(0),
            pools_opened: AtomicU64::new(0),
            pools_closed: AtomicU64::new(0),
        }
    }

    pub fn settings(&self) -> &RegistrySettings {
        &self.settings
    }

    /// Reads every database server from the control plane. A budget that
    /// changed takes effect for new reservations.
    pub async fn load_servers(&self) -> Result<Vec<DatabaseServer>, DbErr> {
        let models = database_servers::Entity::find().all(&self.control).await?;
        let servers = models
            .iter()
            .map(DatabaseServer::from_model)
            .collect::<Result<Vec<_>, _>>()?;
        let mut slots = lock_write(&self.servers);
        for server in &servers {
            match slots.get(&server.id) {
                Some(slot) if slot.server.budget == server.budget => {}
                Some(slot) => {
                    let old = slot.server.budget;
                    if server.budget > old {
                        slot.permits.add_permits((server.budget - old) as usize);
                    } else {
                        slot.permits.forget_permits((old - server.budget) as usize);
                    }
                    let slot = ServerSlot {
                        server: server.clone(),
                        permits: slot.permits.clone(),
                        peak: AtomicU32::new(slot.peak.load(Ordering::Relaxed)),
                    };
                    slots.insert(server.id, Arc::new(slot));
                }
                None => {
                    slots.insert(server.id, Arc::new(ServerSlot::new(server.clone())));
                }
            }
        }
        Ok(servers)
    }

    /// The server with this id, reading the control plane if it is new.
    pub async fn server(&self, id: i64) -> Result<DatabaseServer, RegistryError> {
        Ok(self.slot(id).await?.server.clone())
    }

    async fn slot(&self, id: i64) -> Result<Arc<ServerSlot>, RegistryError> {
        if let Some(slot) = lock_read(&self.servers).get(&id) {
            return Ok(slot.clone());
        }
        self.load_servers().await?;
        lock_read(&self.servers)
            .get(&id)
            .cloned()
            .ok_or(RegistryError::UnknownServer(id))
    }

    /// The pool of a tenant's database, opened on first use; held by the
    /// caller for the length of one request.
    pub async fn connection(
        &self,
        tenant_id: i64,
        server_id: i64,
        location: &str,
    ) -> Result<TenantConnection, RegistryError> {
        let key = PoolKey::Tenant(tenant_id);
        if let Some(connection) = self.reuse(key, server_id, location) {
            return Ok(connection);
        }
        let slot = self.slot(server_id).await?;
        let url = slot.server.url(location)?;
        self.open(key, &slot, location, &url, self.settings.pool_max)
            .await
    }

    /// A connection to the server's maintenance database, for creating and
    /// dropping databases. Pooled (one connection) like a tenant's.
    pub async fn admin(&self, server_id: i64) -> Result<TenantConnection, RegistryError> {
        let key = PoolKey::Admin(server_id);
        let slot = self.slot(server_id).await?;
        let ServerKind::Postgres { admin_url } = &slot.server.kind else {
            return Err(DbErr::Custom("SQLite servers have no admin database".into()).into());
        };
        if let Some(connection) = self.reuse(key, server_id, "") {
            return Ok(connection);
        }
        self.open(key, &slot, "", &admin_url.clone(), 1).await
    }

    /// One connection to the database at `location`, outside the pools,
    /// counted against the server's budget until closed. `create` makes a
    /// missing SQLite file (PostgreSQL databases are created explicitly).
    pub async fn one_off(
        &self,
        server_id: i64,
        location: &str,
        create: bool,
    ) -> Result<OneOff, RegistryError> {
        let slot = self.slot(server_id).await?;
        let url = match &slot.server.kind {
            ServerKind::Sqlite { .. } => sqlite_url(location, create),
            ServerKind::Postgres { .. } => slot.server.url(location)?,
        };
        let reservation = self.reserve(&slot, 1).await?;
        let db = connect_pool(&url, 1, &self.settings).await?;
        Ok(OneOff {
            db,
            _reservation: reservation,
        })
    }

    fn reuse(&self, key: PoolKey, server_id: i64, location: &str) -> Option<TenantConnection> {
        let mut pools = lock(&self.pools);
        let entry = pools.open.get_mut(&key)?;
        if entry.server_id != server_id || entry.location != location {
            // The tenant's database moved: retire the pool to the old one.
            let stale = pools.open.remove(&key)?;
            drop(pools);
            self.retire(stale);
            return None;
        }
        entry.last_used = Instant::now();
        if !entry.crowded
            && pool_idle(&entry.db) == 0
            && pool_size(&entry.db) >= entry.reservation.size()
        {
            entry.crowded = true;
        }
        Some(TenantConnection {
            db: entry.db.clone(),
            lease: Lease(Arc::new(LeaseInner {
                token: Some(entry.token.clone()),
                released: self.released.clone(),
            })),
        })
    }

    async fn open(
        &self,
        key: PoolKey,
        slot: &Arc<ServerSlot>,
        location: &str,
        url: &str,
        want: u32,
    ) -> Result<TenantConnection, RegistryError> {
        // One opener per key; the others wait and then reuse its pool.
        let _gate = self.opening[stripe(&key)].lock().await;
        if let Some(connection) = self.reuse(key, slot.server.id, location) {
            return Ok(connection);
        }
        let reservation = self.reserve(slot, self.fair_share(slot, key, want)).await?;
        let db = connect_pool(url, reservation.size(), &self.settings).await?;
        let token = Arc::new(());
        let connection = TenantConnection {
            db: db.clone(),
            lease: Lease(Arc::new(LeaseInner {
                token: Some(token.clone()),
                released: self.released.clone(),
            })),
        };
        let mut pools = lock(&self.pools);
        pools.evicted.remove(&key);
        pools.open.insert(
            key,
            PoolEntry {
                db,
                server_id: slot.server.id,
                location: location.to_owned(),
                token,
                last_used: Instant::now(),
                crowded: false,
                reservation,
            },
        );
        drop(pools);
        self.pools_opened.fetch_add(1, Ordering::Relaxed);
        Ok(connection)
    }

    /// How many connections a new pool for `key` on this server may ask
    /// for: up to `want`, but no more than the budget divided by the
    /// server's demand ([`Pools::demand`]), so that many busy tenants each
    /// get a small pool rather than a few tenants big ones.
    fn fair_share(&self, slot: &ServerSlot, key: PoolKey, want: u32) -> u32 {
        let demand = lock(&self.pools).demand(slot.server.id, key);
        share_of(slot.server.budget, demand, want)
    }

    /// Reserves up to `want` permits on the server (at least one), closing
    /// unused pools to make room and waiting for requests to finish if
    /// needed, up to the wait timeout.
    async fn reserve(
        &self,
        slot: &Arc<ServerSlot>,
        want: u32,
    ) -> Result<Reservation, RegistryError> {
        let deadline = tokio::time::Instant::now() + self.settings.wait_timeout;
        let mut waited = false;
        loop {
            // Registered before looking, so a release in between is not missed.
            let notified = self.released.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();

            if let Some(reservation) = self.try_reserve(slot, want) {
                return Ok(reservation);
            }
            if self.evict_unused(slot.server.id, want).await {
                continue;
            }
            let available = slot.permits.available_permits() as u32;
            if available > 0 {
                if let Some(reservation) = self.try_reserve(slot, available.min(want)) {
                    return Ok(reservation);
                }
                continue;
            }
            if !waited {
                waited = true;
                self.waits.fetch_add(1, Ordering::Relaxed);
            }
            tokio::select! {
                () = &mut notified => {}
                () = tokio::time::sleep_until(deadline) => {
                    self.timeouts.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(server = %slot.server.name, budget = slot.server.budget,
                        "database server connection budget exhausted");
                    return Err(RegistryError::Busy {
                        server: slot.server.name.clone(),
                        budget: slot.server.budget,
                    });
                }
            }
        }
    }

    fn try_reserve(&self, slot: &Arc<ServerSlot>, n: u32) -> Option<Reservation> {
        let permit = slot.permits.clone().try_acquire_many_owned(n).ok()?;
        slot.peak.fetch_max(slot.reserved(), Ordering::Relaxed);
        Some(Reservation {
            permit: Some(permit),
            released: self.released.clone(),
        })
    }

    /// Closes a pool on `server_id` that no request holds, to make room for
    /// one of `share` connections: one not used within [`DEMAND_WINDOW`] if
    /// any, then one larger than `share` (so big pools shrink as demand
    /// grows), the least recently used first. Returns whether one was closed
    /// (its permits are back). Its tenant still counts as demand for
    /// [`DEMAND_WINDOW`].
    async fn evict_unused(&self, server_id: i64, share: u32) -> bool {
        let victim = {
            let mut pools = lock(&self.pools);
            let key = pools
                .open
                .iter()
                .filter(|(_, e)| e.server_id == server_id && Arc::strong_count(&e.token) == 1)
                .min_by_key(|(_, e)| {
                    (
                        e.last_used.elapsed() < DEMAND_WINDOW,
                        e.reservation.size() <= share,
                        e.last_used,
                    )
                })
                .map(|(k, _)| *k);
            let victim = key.and_then(|k| pools.open.remove(&k));
            if let (Some(key @ PoolKey::Tenant(_)), Some(entry)) = (key, &victim) {
                pools.evicted.insert(key, (server_id, entry.last_used));
            }
            victim
        };
        match victim {
            Some(entry) => {
                self.close_entry(entry).await;
                true
            }
            None => false,
        }
    }

    /// Closes every pool that has been unused for the idle timeout, and
    /// forgets evicted tenants that no longer count as demand.
    pub async fn close_idle(&self) -> usize {
        let idle: Vec<PoolEntry> = {
            let mut pools = lock(&self.pools);
            pools
                .evicted
                .retain(|_, (_, last_used)| last_used.elapsed() < DEMAND_WINDOW);
            let keys: Vec<PoolKey> = pools
                .open
                .iter()
                .filter(|(_, e)| {
                    Arc::strong_count(&e.token) == 1
                        && e.last_used.elapsed() >= self.settings.idle_timeout
                })
                .map(|(k, _)| *k)
                .collect();
            keys.iter().filter_map(|k| pools.open.remove(k)).collect()
        };
        let closed = idle.len();
        for entry in idle {
            self.close_entry(entry).await;
        }
        closed
    }

    /// Reopens, at today's share, the tenant pools that were opened smaller
    /// than it (while more tenants were busy) and that a request found with
    /// every connection in use since the last sweep, when the server has
    /// room. Requests holding the old pool finish on it; it closes after
    /// them. Returns how many.
    pub async fn regrow(&self) -> usize {
        let slots: HashMap<i64, Arc<ServerSlot>> = lock_read(&self.servers).clone();
        let outgrown: Vec<PoolEntry> = {
            let mut pools = lock(&self.pools);
            let mut keys = Vec::new();
            for (key, entry) in &pools.open {
                let Some(slot) = slots.get(&entry.server_id) else {
                    continue;
                };
                if !entry.crowded || !matches!(key, PoolKey::Tenant(_)) {
                    continue;
                }
                let demand = pools.demand(entry.server_id, *key);
                let share = share_of(slot.server.budget, demand, self.settings.pool_max);
                // The old pool's permits come back only once it is closed.
                let room = slot.permits.available_permits() as u32;
                if share > entry.reservation.size() && room >= share {
                    keys.push(*key);
                }
            }
            for entry in pools.open.values_mut() {
                entry.crowded = false;
            }
            let outgrown: Vec<(PoolKey, PoolEntry)> = keys
                .iter()
                .filter_map(|k| pools.open.remove(k).map(|e| (*k, e)))
                .collect();
            // Still busy: demand until it reopens.
            for (key, entry) in &outgrown {
                pools
                    .evicted
                    .insert(*key, (entry.server_id, entry.last_used));
            }
            outgrown.into_iter().map(|(_, e)| e).collect()
        };
        let regrown = outgrown.len();
        for entry in outgrown {
            self.retire(entry);
        }
        regrown
    }

    /// Closes this process's pool to a tenant's database (before it is
    /// dropped or moved). Requests still holding it finish first.
    pub async fn close_tenant(&self, tenant_id: i64) {
        let entry = {
            let mut pools = lock(&self.pools);
            pools.evicted.remove(&PoolKey::Tenant(tenant_id));
            pools.open.remove(&PoolKey::Tenant(tenant_id))
        };
        if let Some(entry) = entry {
            self.close_entry(entry).await;
        }
    }

    /// Closes every pool (at shutdown, or before handing the budget to
    /// another process).
    pub async fn close_all(&self) {
        let all: Vec<PoolEntry> = {
            let mut pools = lock(&self.pools);
            pools.evicted.clear();
            pools.open.drain().map(|(_, e)| e).collect()
        };
        for entry in all {
            self.close_entry(entry).await;
        }
    }

    async fn close_entry(&self, entry: PoolEntry) {
        // sqlx waits for checked-out connections to come back; the permits
        // are released only once every connection is closed.
        if let Err(e) = entry.db.close_by_ref().await {
            tracing::warn!(error = %e, "closing a tenant pool");
        }
        self.pools_closed.fetch_add(1, Ordering::Relaxed);
        drop(entry.reservation);
    }

    /// Closes a pool already taken out of the map once no request holds it:
    /// closing a sqlx pool fails every query that has not yet got its
    /// connection, so the requests holding it must finish first. Its permits
    /// stay reserved until then.
    fn retire(&self, entry: PoolEntry) {
        self.pools_closed.fetch_add(1, Ordering::Relaxed);
        let released = self.released.clone();
        tokio::spawn(async move {
            loop {
                // Registered before looking, so a release in between is not missed.
                let notified = released.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if Arc::strong_count(&entry.token) == 1 {
                    break;
                }
                notified.await;
            }
            let _ = entry.db.close_by_ref().await;
            drop(entry.reservation);
        });
    }

    pub fn stats(&self) -> RegistryStats {
        let pools = lock(&self.pools);
        let mut open_by_server: HashMap<i64, u32> = HashMap::new();
        for entry in pools.open.values() {
            *open_by_server.entry(entry.server_id).or_default() += pool_size(&entry.db);
        }
        let mut servers: Vec<ServerStats> = lock_read(&self.servers)
            .values()
            .map(|slot| ServerStats {
                id: slot.server.id,
                name: slot.server.name.clone(),
                budget: slot.server.budget,
                reserved: slot.reserved(),
                peak_reserved: slot.peak.load(Ordering::Relaxed),
                open_connections: open_by_server.get(&slot.server.id).copied().unwrap_or(0),
            })
            .collect();
        servers.sort_by_key(|s| s.id);
        RegistryStats {
            open_pools: pools.open.len(),
            waits: self.waits.load(Ordering::Relaxed),
            timeouts: self.timeouts.load(Ordering::Relaxed),
            pools_opened: self.pools_opened.load(Ordering::Relaxed),
            pools_closed: self.pools_closed.load(Ordering::Relaxed),
            servers,
        }
    }

    /// Runs forever, every second at most: closes idle pools, regrows
    /// crowded small ones, and logs the registry's figures when they change.
    pub async fn sweep_forever(self: Arc<Self>) {
        let period = (self.settings.idle_timeout / 4)
            .clamp(Duration::from_millis(200), Duration::from_secs(1));
        let mut last_logged = RegistryStats::default();
        let mut last_log_at = Instant::now();
        loop {
            tokio::time::sleep(period).await;
            self.close_idle().await;
            self.regrow().await;
            let stats = self.stats();
            if stats != last_logged && last_log_at.elapsed() >= Duration::from_secs(60) {
                log_stats(&stats);
                last_logged = stats;
                last_log_at = Instant::now();
            }
        }
    }
}

pub fn log_stats(stats: &RegistryStats) {
    for server in &stats.servers {
        tracing::info!(
            server = %server.name,
            budget = server.budget,
            reserved = server.reserved,
            peak_reserved = server.peak_reserved,
            open_connections = server.open_connections,
            "tenant connections"
        );
    }
    tracing::info!(
        open_pools = stats.open_pools,
        waits = stats.waits,
        timeouts = stats.timeouts,
        pools_opened = stats.pools_opened,
        pools_closed = stats.pools_closed,
        "tenant pools"
    );
}

/// A pool's share of `budget` among `demand` pools: at least one
/// connection, at most `want`.
fn share_of(budget: u32, demand: u32, want: u32) -> u32 {
    (budget / demand.max(1)).clamp(1, want.max(1))
}

fn pool_idle(db: &DatabaseConnection) -> usize {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => db.get_postgres_connection_pool().num_idle(),
        sea_orm::DbBackend::Sqlite => db.get_sqlite_connection_pool().num_idle(),
        _ => 0,
    }
}

fn pool_size(db: &DatabaseConnection) -> u32 {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => db.get_postgres_connection_pool().size(),
        sea_orm::DbBackend::Sqlite => db.get_sqlite_connection_pool().size(),
        _ => 0,
    }
}

fn stripe(key: &PoolKey) -> usize {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    (hasher.finish() as usize) % OPEN_STRIPES
}

async fn connect_pool(
    url: &str,
    max_connections: u32,
    settings: &RegistrySettings,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = base_options(url, max_connections);
    options
        .idle_timeout(settings.idle_timeout)
        .acquire_timeout(settings.wait_timeout);
    Database::connect(options).await
}
