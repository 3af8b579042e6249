//! Figure 2: `migrate` of one migration across every tenant, in ms per
//! tenant, at the default concurrency.

use crate::report::{ms, Report};
use crate::Args;
use futures::StreamExt;
use migration::{MigratorTrait, TenantMigrator};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use server::Platform;
use std::time::Instant;
use tenancy::{entities::tenants, migrate as migrations};

/// Takes every tenant's newest migration back, then times `migrate`
/// bringing it forward again.
pub async fn measure(
    args: &Args,
    platform: &Platform,
    all: &[tenants::Model],
    report: &mut Report,
) -> anyhow::Result<()> {
    let (control, registry, directory) =
        (&platform.control, &platform.registry, &platform.directory);
    let rolled = futures::stream::iter(all.iter())
        .map(|t| async move {
            let conn = registry
                .one_off(
                    t.database_server_id.unwrap_or_default(),
                    &t.database_location,
                    false,
                )
                .await?;
            let down = TenantMigrator::down(&conn.db, Some(1)).await;
            conn.close().await?;
            anyhow::Ok(down?)
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    rolled.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let previous = TenantMigrator::migrations()
        .iter()
        .rev()
        .nth(1)
        .map(|m| m.name().to_owned());
    tenants::Entity::update_many()
        .col_expr(tenants::Column::SchemaVersion, Expr::value(previous))
        .filter(tenants::Column::Status.eq("active"))
        .exec(control)
        .await?;
    let concurrency = migrations::default_concurrency([args.budget]);
    let to_migrate = migrations::tenants_to_migrate(control, None).await?;
    let count = to_migrate.len();
    let started = Instant::now();
    let results = migrations::migrate_tenants(
        control,
        registry,
        directory,
        to_migrate,
        concurrency,
        |_| {},
    )
    .await;
    let elapsed = started.elapsed();
    let migrated = results
        .iter()
        .filter(|r| matches!(r.outcome, migrations::Outcome::Migrated { applied: 1 }))
        .count();
    anyhow::ensure!(
        migrated == count,
        "only {migrated} of {count} tenants migrated"
    );
    report.add(
        &format!("migrate one migration across {count} tenants ({concurrency} at a time)"),
        format!(
            "{:.2} s, {:.2} ms per tenant",
            elapsed.as_secs_f64(),
            ms(elapsed) / count as f64
        ),
    );
    registry.close_all().await;
    Ok(())
}
