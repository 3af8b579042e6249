//! What a request for a tenant carries: which tenant it is, and a leased
//! connection to that tenant's own database. Only the host router makes
//! one (from the directory's record and the registry's connection), so no
//! code can reach a tenant database without a request naming that tenant.

use crate::{
    directory::TenantRecord,
    registry::{Lease, TenantConnection},
};
use sea_orm::DatabaseConnection;

/// The tenant a request is for, from the control plane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantInfo {
    pub id: i64,
    pub slug: String,
    pub name: String,
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
    pub fn new(tenant: &TenantRecord, connection: TenantConnection) -> Self {
        TenantCtx {
            tenant: TenantInfo {
                id: tenant.id,
                slug: tenant.slug.clone(),
                name: tenant.name.clone(),
            },
            db: connection.db,
            _lease: connection.lease,
        }
    }
}
