//! Whether an organization has a logo, and which: the version of the image
//! its own database keeps (a digest of the image), kept with the tenant so
//! that the tenant cache brings it to every page without a query, and the
//! pages link the image by it (`/logo.png?v=VERSION`). `NULL`: no logo.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .add_column(string_len_null(Tenants::Logo, 64))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tenants {
    Table,
    Logo,
}
