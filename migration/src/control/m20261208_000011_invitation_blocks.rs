//! Addresses that asked one organization to stop inviting them (the
//! one-click link in every invitation): its admins cannot invite them again.
//! Purging the organization removes them with it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InvitationBlocks::Table)
                    .col(big_integer(InvitationBlocks::TenantId))
                    .col(string_len(InvitationBlocks::Email, 320))
                    .col(big_integer(InvitationBlocks::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(InvitationBlocks::TenantId)
                            .col(InvitationBlocks::Email),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InvitationBlocks::Table, InvitationBlocks::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum InvitationBlocks {
    Table,
    TenantId,
    Email,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}
