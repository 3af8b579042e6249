//! Custom domains: a host of the organization's own (`portal.acme.com`)
//! that serves it once its DNS proves the organization controls it.
//!
//! Several organizations may *claim* the same host (each with its own
//! verification token), so nobody can block a domain by adding it first;
//! only one may have it verified at a time (the partial unique index).
//! Times are Unix seconds; `verified_at` NULL: not served.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CustomDomains::Table)
                    .col(big_integer(CustomDomains::TenantId))
                    .col(string_len(CustomDomains::Host, 253))
                    .col(string_len(CustomDomains::Token, 64))
                    .col(big_integer(CustomDomains::CreatedAt))
                    .col(big_integer_null(CustomDomains::VerifiedAt))
                    .col(big_integer_null(CustomDomains::CheckedAt))
                    .col(string_len_null(CustomDomains::Problem, 2000))
                    .primary_key(
                        Index::create()
                            .col(CustomDomains::TenantId)
                            .col(CustomDomains::Host),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CustomDomains::Table, CustomDomains::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One organization serves a host; the same statement on SQLite and
        // PostgreSQL (sea-query writes no partial index).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX custom_domains_verified_host \
                 ON custom_domains (host) WHERE verified_at IS NOT NULL",
            )
            .await?;
        // The periodic checks take the longest unchecked first.
        manager
            .create_index(
                Index::create()
                    .name("custom_domains_checked_idx")
                    .table(CustomDomains::Table)
                    .col(CustomDomains::CheckedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum CustomDomains {
    Table,
    TenantId,
    Host,
    Token,
    CreatedAt,
    VerifiedAt,
    CheckedAt,
    Problem,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}
