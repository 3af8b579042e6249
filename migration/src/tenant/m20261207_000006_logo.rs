//! The organization's logo: one row at most, the image as Tenantry
//! re-encoded it (PNG, within the size limits), its size in pixels and its
//! version (a digest of the bytes, which the control plane's tenant row
//! names so that pages link the image without reading this table).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Logo::Table)
                    // Always 1: an organization has one logo.
                    .col(big_integer(Logo::Id).primary_key())
                    .col(blob(Logo::Png))
                    .col(integer(Logo::Width))
                    .col(integer(Logo::Height))
                    .col(string_len(Logo::Version, 64))
                    .col(big_integer(Logo::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Logo::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Logo {
    Table,
    Id,
    Png,
    Width,
    Height,
    Version,
    UpdatedAt,
}
