//! API tokens: created by an organization's admins for the REST API, shown
//! once, stored only as a SHA-256 digest, with the role they act with and
//! when they were last used.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(big_pk_auto(ApiTokens::Id))
                    .col(string_len(ApiTokens::Name, 80))
                    // The first characters, to tell tokens apart in lists.
                    .col(string_len(ApiTokens::Prefix, 16))
                    .col(string_len_uniq(ApiTokens::Digest, 64))
                    .col(string_len(ApiTokens::Role, 10))
                    .col(big_integer(ApiTokens::CreatedBy))
                    .col(string_len(ApiTokens::CreatedByEmail, 254))
                    .col(big_integer(ApiTokens::CreatedAt))
                    .col(big_integer_null(ApiTokens::LastUsedAt))
                    .col(big_integer_null(ApiTokens::RevokedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiTokens::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    Prefix,
    Digest,
    Role,
    CreatedBy,
    CreatedByEmail,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}
