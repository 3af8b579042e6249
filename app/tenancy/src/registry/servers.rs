//! The database servers as the registry knows them: what kind each is, where
//! its tenant databases are, and its connection budget.

use crate::db::{pg_ident, sqlite_url};
use crate::entities::database_servers;
use sea_orm::DbErr;
use std::path::PathBuf;

/// The server every deployment has: the one `TENANTRY_TENANT_DATABASES` names.
pub const DEFAULT_SERVER: &str = "default";
pub const KIND_POSTGRES: &str = "postgres";
pub const KIND_SQLITE: &str = "sqlite";

/// Where a server keeps tenant databases.
#[derive(Clone)]
pub enum ServerKind {
    /// One SQLite file per tenant in a directory.
    Sqlite { dir: PathBuf },
    /// A PostgreSQL server; `admin_url` names a maintenance database on it.
    Postgres { admin_url: String },
}

impl ServerKind {
    /// The kind and URL recorded for a server of this kind.
    pub fn server_record(&self) -> (&'static str, String) {
        match self {
            ServerKind::Sqlite { dir } => (KIND_SQLITE, dir.to_string_lossy().into_owned()),
            ServerKind::Postgres { admin_url } => (KIND_POSTGRES, admin_url.clone()),
        }
    }
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
