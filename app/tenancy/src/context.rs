//! What a request for a tenant carries: which tenant it is, and a leased
//! connection to that tenant's own database. Only [`resolve`] makes one,
//! and only the host router calls it, with the slug of the request's host:
//! no code can reach a tenant database without a request naming that tenant.

use crate::{
    catalog::TenantStatus,
    directory::{TenantDirectory, TenantRecord},
    registry::{Lease, RegistryError, TenantConnection, TenantRegistry},
};
use migration::TenantMigrator;
use sea_orm::DatabaseConnection;

/// The tenant a request is for, from the control plane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantInfo {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub preferences: Preferences,
    /// The plan it is on, by name (the application knows plans); `None`:
    /// the default.
    pub plan: Option<String>,
}

/// How an organization's pages look, kept with it in the control plane (and
/// so in the tenant cache): `None` is Tenantry's default for each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preferences {
    /// An IANA time zone; `None`: UTC.
    pub time_zone: Option<String>,
    /// A date format's name (the app's `DateFormat`); `None`: ISO 8601.
    pub date_format: Option<String>,
    /// The primary colour, `#rrggbb`; `None`: Tenantry's.
    pub brand_color: Option<String>,
    /// The logo's version, which its address names; `None`: no logo.
    pub logo: Option<String>,
}

/// The current request's tenant and that tenant's own database.
#[derive(Clone)]
pub struct TenantCtx {
    pub tenant: TenantInfo,
    pub db: DatabaseConnection,
    /// Keeps the pool from being closed while this request uses it.
    _lease: Lease,
}

impl TenantCtx {
    /// The context for `tenant`, holding `connection`'s lease.
    fn new(tenant: &TenantRecord, connection: TenantConnection) -> Self {
        TenantCtx {
            tenant: TenantInfo {
                id: tenant.id,
                slug: tenant.slug.clone(),
                name: tenant.name.clone(),
                preferences: tenant.preferences.clone(),
                plan: tenant.plan.clone(),
            },
            db: connection.db,
            _lease: connection.lease,
        }
    }
}

/// Why a tenant's host cannot be served now. Each names the organization
/// (where there is one) so that the answer can.
#[derive(Debug)]
pub enum Refusal {
    /// No tenant has this slug, or it was deleted.
    NotFound,
    /// Sign-up is still making it.
    Provisioning { name: String },
    /// An operator suspended it; its data is kept.
    Suspended { name: String },
    /// Its schema is older than this build can serve (a migration failed
    /// or has not run yet).
    Maintenance { name: String },
    /// Its database cannot be reached, or its server has no room for another
    /// pool (`busy`), or the control plane cannot be read: this tenant only.
    Unavailable {
        name: String,
        busy: bool,
        cause: String,
    },
}

/// The tenant at `slug` with a leased connection to its database, or why
/// it cannot be served: the engine's one way into a tenant database for a
/// request.
pub async fn resolve(
    directory: &TenantDirectory,
    registry: &TenantRegistry,
    slug: &str,
) -> Result<TenantCtx, Refusal> {
    let tenant = match directory.lookup(slug).await {
        Ok(Some(tenant)) => tenant,
        Ok(None) => return Err(Refusal::NotFound),
        Err(e) => {
            return Err(Refusal::Unavailable {
                name: "Tenantry".to_owned(),
                busy: false,
                cause: format!("control database unavailable: {e}"),
            })
        }
    };
    let name = || tenant.name.clone();
    match tenant.status {
        TenantStatus::Active => {}
        TenantStatus::Deleted => return Err(Refusal::NotFound),
        TenantStatus::Suspended => return Err(Refusal::Suspended { name: name() }),
        TenantStatus::Provisioning => return Err(Refusal::Provisioning { name: name() }),
    }
    if !TenantMigrator::can_serve(tenant.schema_version.as_deref()) {
        return Err(Refusal::Maintenance { name: name() });
    }
    let Some(server_id) = tenant.server_id else {
        return Err(Refusal::Unavailable {
            name: name(),
            busy: false,
            cause: "tenant has no database server".to_owned(),
        });
    };
    match registry
        .connection(tenant.id, server_id, &tenant.location)
        .await
    {
        Ok(connection) => Ok(TenantCtx::new(&tenant, connection)),
        Err(e) => Err(Refusal::Unavailable {
            name: name(),
            busy: matches!(e, RegistryError::Busy { .. }),
            cause: e.to_string(),
        }),
    }
}
