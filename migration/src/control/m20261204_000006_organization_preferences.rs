//! How an organization's pages look: an IANA time zone and a date format
//! for dates and times, and a primary colour. Kept with the tenant so that
//! the tenant cache brings them to every request without a query. `NULL`:
//! UTC, ISO 8601, Tenantry's blue.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds no more at once.
        for column in [Tenants::TimeZone, Tenants::DateFormat, Tenants::BrandColor] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tenants::Table)
                        .add_column(string_len_null(column, 64))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tenants {
    Table,
    TimeZone,
    DateFormat,
    BrandColor,
}
