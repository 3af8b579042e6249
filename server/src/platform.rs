//! The platform every entry point starts from: the migrated control plane,
//! the connection registry and the tenant directory ([`Platform`]), and how
//! the control-plane database is opened ([`connect_control`]).

use crate::config::{self, Config};
use anyhow::Context;
use app::server::settings::{Settings, TenantDatabases};
use migration::{ControlMigrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use std::{path::Path, sync::Arc};
use tenancy::{
    databases,
    db::StatementCount,
    directory::TenantDirectory,
    registry::{self, TenantRegistry},
    servers,
};

/// Connections in the control-plane pool.
const CONTROL_POOL_MAX: u32 = 10;

/// What every entry point (the server and each CLI command) works with: the
/// migrated control plane, the connection registry that knows every
/// database server, and the tenant directory.
pub struct Platform {
    pub control: DatabaseConnection,
    /// The statements run on the control database (tenant databases':
    /// `registry.statements()`).
    pub control_statements: StatementCount,
    pub registry: Arc<TenantRegistry>,
    pub directory: Arc<TenantDirectory>,
    pub settings: Arc<Settings>,
}

impl Platform {
    /// Connects and migrates the control plane and records the default
    /// database server from configuration. Fails with a message naming the
    /// setting to fix.
    pub async fn connect(config: &Config) -> anyhow::Result<Self> {
        let settings = config.settings()?;
        if let TenantDatabases::Sqlite { dir } = &settings.tenant_databases {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "TENANTRY_TENANT_DATABASES: cannot create directory {}",
                    dir.display()
                )
            })?;
        }
        let mut control = connect_control(config).await?;
        // Before any clone, so that every user of the control plane counts.
        let control_statements = StatementCount::default();
        control_statements.attach(&mut control);
        let (kind, url) = settings.tenant_databases.server_record();
        servers::ensure_default(&control, kind, &url, settings.default_budget)
            .await
            .context("could not record the default database server in the control plane")?;
        let registry = Arc::new(TenantRegistry::new(
            control.clone(),
            settings.registry.clone(),
        ));
        registry
            .load_servers()
            .await
            .context("could not read the database servers from the control plane")?;
        Ok(Platform {
            directory: Arc::new(TenantDirectory::new(control.clone())),
            control,
            control_statements,
            registry,
            settings: Arc::new(settings),
        })
    }

    /// Brings every server's tenant template to the latest schema. The
    /// default server must succeed; another server that fails is logged
    /// (its sign-ups fail until it answers, and retry the template then).
    pub async fn prepare_templates(&self) -> anyhow::Result<()> {
        for server in self.registry.load_servers().await? {
            match databases::migrate_template(&self.registry, &server).await {
                Ok(_) => {}
                Err(e) if server.name == registry::DEFAULT_SERVER => {
                    return Err(e).context(
                        "could not prepare the tenant template on TENANTRY_TENANT_DATABASES",
                    )
                }
                Err(e) => tracing::error!(server = %server.name, error = %e,
                    "could not prepare the tenant template"),
            }
        }
        Ok(())
    }
}

/// Opens the control-plane database (creating a SQLite file and its
/// directory if needed) and brings it to the latest schema.
pub async fn connect_control(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.control_database_url()?;
    let url = if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        if let Some(dir) = Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "TENANTRY_DATABASE_URL: cannot create directory {}",
                    dir.display()
                )
            })?;
        }
        if path.contains('?') {
            url
        } else {
            format!("{url}?mode=rwc")
        }
    } else {
        url
    };
    let control = tenancy::db::connect(&url, CONTROL_POOL_MAX)
        .await
        .with_context(|| {
            format!(
                "could not connect to TENANTRY_DATABASE_URL={}",
                config::redact(&config.database_url)
            )
        })?;
    ControlMigrator::up(&control, None)
        .await
        .context("could not migrate the control-plane database")?;
    Ok(control)
}
