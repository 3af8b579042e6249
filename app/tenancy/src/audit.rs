//! The platform audit log in the control plane: sign-ups, tenant status
//! changes, purges, moves and server changes, with who did them.

use crate::{db::now_unix, entities::platform_audit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

/// Who did something to the platform, as its audit log names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlatformActor {
    /// Tenantry itself: clean-up after a crashed sign-up, the sweepers.
    System,
    /// A user of the product, e.g. the owner who signed up.
    User(i64),
    /// A CLI command, run by this operating-system user.
    Cli(String),
}

impl std::fmt::Display for PlatformActor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlatformActor::System => f.write_str("system"),
            PlatformActor::User(id) => write!(f, "user:{id}"),
            PlatformActor::Cli(user) => write!(f, "cli:{user}"),
        }
    }
}

/// The actor recorded for CLI commands: the operating-system user.
pub fn cli_actor() -> PlatformActor {
    let user = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".to_owned());
    PlatformActor::Cli(user)
}

/// Records one platform event.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &PlatformActor,
    action: &str,
    tenant: Option<(i64, &str)>,
    detail: impl Into<String>,
) -> Result<(), DbErr> {
    platform_audit::ActiveModel {
        at: Set(now_unix()),
        actor: Set(actor.to_string().chars().take(120).collect()),
        action: Set(action.to_owned()),
        tenant_id: Set(tenant.map(|(id, _)| id)),
        tenant_slug: Set(tenant.map(|(_, slug)| slug.to_owned())),
        detail: Set(detail.into()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// A tenant's platform events, oldest first.
pub async fn for_tenant(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Vec<platform_audit::Model>, DbErr> {
    platform_audit::Entity::find()
        .filter(platform_audit::Column::TenantSlug.eq(slug))
        .order_by_asc(platform_audit::Column::Id)
        .all(db)
        .await
}
