//! Subdomains an organization has left: each still leads to it (pages
//! redirect, API calls and open sessions keep working) and nobody else may
//! take it until `held_until` (Unix seconds). Purging the organization
//! frees them with it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FormerSubdomains::Table)
                    .col(string_len(FormerSubdomains::Slug, 40).primary_key())
                    .col(big_integer(FormerSubdomains::TenantId))
                    .col(big_integer(FormerSubdomains::LeftAt))
                    .col(big_integer(FormerSubdomains::HeldUntil))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FormerSubdomains::Table, FormerSubdomains::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("former_subdomains_tenant_idx")
                    .table(FormerSubdomains::Table)
                    .col(FormerSubdomains::TenantId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum FormerSubdomains {
    Table,
    Slug,
    TenantId,
    LeftAt,
    HeldUntil,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}
