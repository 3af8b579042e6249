//! When an organization's weekly summary last went to its members (Unix
//! seconds; `NULL`: never, and the first is due a week after sign-up), so
//! that the job finds the organizations due in one query.

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
                    .add_column(big_integer_null(Tenants::DigestSentAt))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tenants {
    Table,
    DigestSentAt,
}
