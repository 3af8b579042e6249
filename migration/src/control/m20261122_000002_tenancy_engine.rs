//! The tenancy engine's control-plane tables: the database servers tenant
//! databases live on (each with a connection budget), where each tenant's
//! database is and how far its provisioning and migrations got, the warm pool
//! of pre-made tenant databases, and the platform audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DatabaseServers::Table)
                    .col(big_pk_auto(DatabaseServers::Id))
                    .col(string_len(DatabaseServers::Name, 40))
                    // `postgres` or `sqlite`.
                    .col(string_len(DatabaseServers::Kind, 16))
                    // A PostgreSQL URL of a maintenance database, or a directory.
                    .col(text(DatabaseServers::Url))
                    .col(integer(DatabaseServers::ConnectionBudget))
                    .col(big_integer(DatabaseServers::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("database_servers_name_key")
                    .table(DatabaseServers::Table)
                    .col(DatabaseServers::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // SQLite adds one column per ALTER TABLE.
        for column in [
            big_integer_null(Tenants::DatabaseServerId),
            string_len_null(Tenants::ProvisionStep, 20),
            big_integer_null(Tenants::StatusChangedAt),
            text_null(Tenants::StatusReason),
            text_null(Tenants::MigrationError),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Tenants::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("tenants_status_idx")
                    .table(Tenants::Table)
                    .col(Tenants::Status)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WarmDatabases::Table)
                    .col(big_pk_auto(WarmDatabases::Id))
                    .col(big_integer(WarmDatabases::ServerId))
                    .col(string(WarmDatabases::Location))
                    .col(string(WarmDatabases::SchemaVersion))
                    .col(big_integer(WarmDatabases::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("warm_databases_location_key")
                    .table(WarmDatabases::Table)
                    .col(WarmDatabases::Location)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PlatformAudit::Table)
                    .col(big_pk_auto(PlatformAudit::Id))
                    .col(big_integer(PlatformAudit::At))
                    .col(string_len(PlatformAudit::Actor, 120))
                    .col(string_len(PlatformAudit::Action, 60))
                    .col(big_integer_null(PlatformAudit::TenantId))
                    .col(string_len_null(PlatformAudit::TenantSlug, 40))
                    .col(text(PlatformAudit::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("platform_audit_tenant_idx")
                    .table(PlatformAudit::Table)
                    .col(PlatformAudit::TenantId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum DatabaseServers {
    Table,
    Id,
    Name,
    Kind,
    Url,
    ConnectionBudget,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Status,
    DatabaseServerId,
    ProvisionStep,
    StatusChangedAt,
    StatusReason,
    MigrationError,
}

#[derive(DeriveIden)]
enum WarmDatabases {
    Table,
    Id,
    ServerId,
    Location,
    SchemaVersion,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PlatformAudit {
    Table,
    Id,
    At,
    Actor,
    Action,
    TenantId,
    TenantSlug,
    Detail,
}
