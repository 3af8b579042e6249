//! The tenants the migration and load figures run on: the rest of the
//! `--tenants` after provisioning's, then `--teams` teams in each.

use crate::Args;
use app::server::{
    entities::control::users,
    identity::signup::{self, Owner},
    org::{audit, teams},
};
use futures::StreamExt;
use server::Platform;
use tenancy::{entities::tenants, migrate as migrations};

/// Provisions the tenants provisioning did not, seeds teams into every
/// tenant, and returns them all.
pub async fn populate(
    args: &Args,
    platform: &Platform,
    owner: &users::Model,
) -> anyhow::Result<Vec<tenants::Model>> {
    let (control, registry, directory) =
        (&platform.control, &platform.registry, &platform.directory);
    let provisioned = 2 * args.provision;
    for i in provisioned..args.tenants.max(provisioned) {
        signup::provision(
            control,
            registry,
            directory,
            &format!("t-{i}"),
            "Bench",
            Owner::Existing(owner.id),
        )
        .await?;
    }
    let all = migrations::tenants_to_migrate(control, None).await?;
    let seeder = &audit::Actor {
        user_id: owner.id,
        email: owner.email.clone(),
        ip: "127.0.0.1".to_owned(),
    };
    // Seeding is the operator's, past any plan: the technical cap.
    let cap = &app::model::plans::builtin()
        .into_iter()
        .find(|p| p.name == "enterprise")
        .map(|p| p.cap(app::model::plans::Resource::Teams))
        .ok_or_else(|| anyhow::anyhow!("no enterprise plan"))?;
    let seeded = futures::stream::iter(all.iter())
        .map(|t| async move {
            let conn = registry
                .connection(
                    t.id,
                    t.database_server_id.unwrap_or_default(),
                    &t.database_location,
                )
                .await?;
            for n in 0..args.teams {
                teams::add(&conn.db, seeder, &format!("Team {n:02}"), cap)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            anyhow::Ok(())
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    seeded.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    registry.close_all().await;
    Ok(all)
}
