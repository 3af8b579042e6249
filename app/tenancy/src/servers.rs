//! The database servers tenant databases live on. The one named by
//! `TENANTRY_TENANT_DATABASES` is the `default` server; more PostgreSQL
//! servers are added with `tenantry servers add`. Each has a connection
//! budget the registry never exceeds, and new tenants go to the server with
//! the most headroom: the fewest tenants per connection of budget.

use crate::{
    audit::{self, PlatformActor},
    databases,
    db::now_unix,
    entities::{database_servers, tenants},
    registry::{self, DatabaseServer, RegistryError, TenantRegistry, DEFAULT_SERVER},
};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    Invalid(String),
    #[error("a database server named {0:?} exists already")]
    Exists(String),
    #[error("cannot reach the database server: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Records (or updates) the `default` server from configuration, and
/// assigns it the tenants created before servers were recorded.
pub async fn ensure_default(
    control: &impl ConnectionTrait,
    kind: &str,
    url: &str,
    budget: u32,
) -> Result<database_servers::Model, DbErr> {
    let budget = i32::try_from(budget).unwrap_or(i32::MAX);
    let existing = database_servers::Entity::find()
        .filter(database_servers::Column::Name.eq(DEFAULT_SERVER))
        .one(control)
        .await?;
    let server = match existing {
        Some(server)
            if server.kind == kind && server.url == url && server.connection_budget == budget =>
        {
            server
        }
        Some(server) => {
            let mut active: database_servers::ActiveModel = server.into();
            active.kind = Set(kind.to_owned());
            active.url = Set(url.to_owned());
            active.connection_budget = Set(budget);
            active.update(control).await?
        }
        None => {
            database_servers::ActiveModel {
                name: Set(DEFAULT_SERVER.to_owned()),
                kind: Set(kind.to_owned()),
                url: Set(url.to_owned()),
                connection_budget: Set(budget),
                created_at: Set(now_unix()),
                ..Default::default()
            }
            .insert(control)
            .await?
        }
    };
    tenants::Entity::update_many()
        .col_expr(tenants::Column::DatabaseServerId, Expr::value(server.id))
        .filter(tenants::Column::DatabaseServerId.is_null())
        .exec(control)
        .await?;
    Ok(server)
}

/// Registers another PostgreSQL server after checking that it answers, and
/// prepares its template.
///
/// # Errors
/// `Invalid` for a bad name, URL or budget; `Exists` for a name in use;
/// `Unreachable` when the server does not answer (nothing is recorded).
pub async fn add(
    control: &impl ConnectionTrait,
    registry: &TenantRegistry,
    name: &str,
    url: &str,
    budget: u32,
    actor: &PlatformActor,
) -> Result<DatabaseServer, ServerError> {
    let name_ok = !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !name_ok {
        return Err(ServerError::Invalid(format!(
            "server name {name:?}: use 1-40 lowercase letters, digits and hyphens"
        )));
    }
    if !crate::db::is_postgres_url(url) || url::Url::parse(url).is_err() {
        return Err(ServerError::Invalid(
            "the server URL must be postgres://USER@HOST:PORT/MAINTENANCE_DB".to_owned(),
        ));
    }
    if budget == 0 {
        return Err(ServerError::Invalid(
            "the connection budget must be at least 1".to_owned(),
        ));
    }
    if database_servers::Entity::find()
        .filter(database_servers::Column::Name.eq(name))
        .count(control)
        .await?
        > 0
    {
        return Err(ServerError::Exists(name.to_owned()));
    }
    let probe = crate::db::connect(url, 1)
        .await
        .map_err(|e| ServerError::Unreachable(e.to_string()))?;
    probe.close().await.ok();

    let model = database_servers::ActiveModel {
        name: Set(name.to_owned()),
        kind: Set(registry::KIND_POSTGRES.to_owned()),
        url: Set(url.to_owned()),
        connection_budget: Set(i32::try_from(budget).unwrap_or(i32::MAX)),
        created_at: Set(now_unix()),
        ..Default::default()
    }
    .insert(control)
    .await?;
    audit::record(
        control,
        actor,
        "server.add",
        None,
        format!("{name} (budget {budget})"),
    )
    .await?;
    registry.load_servers().await?;
    let server = registry.server(model.id).await?;
    databases::migrate_template(registry, &server).await?;
    Ok(server)
}

/// A server with the number of tenants on it.
#[derive(Clone, Debug)]
pub struct ServerUse {
    pub server: database_servers::Model,
    pub tenants: u64,
}

pub async fn list(control: &impl ConnectionTrait) -> Result<Vec<ServerUse>, DbErr> {
    let servers = database_servers::Entity::find()
        .order_by_asc(database_servers::Column::Id)
        .all(control)
        .await?;
    let mut out = Vec::with_capacity(servers.len());
    for server in servers {
        let tenants = tenants::Entity::find()
            .filter(tenants::Column::DatabaseServerId.eq(server.id))
            .count(control)
            .await?;
        out.push(ServerUse { server, tenants });
    }
    Ok(out)
}

/// The server a new tenant goes to: the fewest tenants per connection of
/// budget (the oldest server on a tie).
pub async fn place(control: &impl ConnectionTrait) -> Result<database_servers::Model, DbErr> {
    list(control)
        .await?
        .into_iter()
        .min_by(|a, b| {
            let load =
                |s: &ServerUse| s.tenants as f64 / f64::from(s.server.connection_budget.max(1));
            load(a)
                .total_cmp(&load(b))
                .then(a.server.id.cmp(&b.server.id))
        })
        .map(|s| s.server)
        .ok_or_else(|| DbErr::Custom("no database server is registered".to_owned()))
}

pub async fn find_by_name(
    control: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<database_servers::Model>, DbErr> {
    database_servers::Entity::find()
        .filter(database_servers::Column::Name.eq(name))
        .one(control)
        .await
}
