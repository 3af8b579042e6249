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
//! registry itself: the web app's host router does. The CLI and the super-admin
//! code use it explicitly.
//!
//! Inside: `servers` (the servers and their kinds), `budget` (reserving
//! permits, fair shares, making room), `pools` (the demand policy, as pure
//! functions of `now`), `lease` (what callers hold) and `sweeper` (idle
//! pools, regrowth, figures).

mod budget;
mod lease;
mod pools;
mod servers;
mod sweeper;

pub use lease::{Lease, OneOff, TenantConnection};
pub use servers::{DatabaseServer, ServerKind, DEFAULT_SERVER, KIND_POSTGRES, KIND_SQLITE};
pub use sweeper::log_stats;

use crate::db::{base_options, sqlite_url, StatementCount};
use crate::entities::database_servers;
use crate::sync::{lock, read as lock_read, write as lock_write};
use budget::{Reservation, ServerSlot};
use pools::{share_of, PoolEntry, PoolKey, Pools};
use sea_orm::{Database, DatabaseConnection, DbErr, EntityTrait};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

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
    statements: StatementCount,
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
            statements: StatementCount::default(),
        }
    }

    pub fn settings(&self) -> &RegistrySettings {
        &self.settings
    }

    /// The statements run on tenant databases through this registry's pools.
    pub fn statements(&self) -> &StatementCount {
        &self.statements
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
        let db = connect_pool(&url, 1, &self.settings, &self.statements).await?;
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
            lease: Lease::new(entry.token.clone(), self.released.clone()),
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
        let db = connect_pool(url, reservation.size(), &self.settings, &self.statements).await?;
        let token = Arc::new(());
        let connection = TenantConnection {
            db: db.clone(),
            lease: Lease::new(token.clone(), self.released.clone()),
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
    statements: &StatementCount,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = base_options(url, max_connections);
    options
        .idle_timeout(settings.idle_timeout)
        .acquire_timeout(settings.wait_timeout);
    let mut db = Database::connect(options).await?;
    statements.attach(&mut db);
    Ok(db)
}
