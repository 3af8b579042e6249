//! Which notifications each member gets by email: the organization's
//! default for each kind (`notification_defaults`, set by its admins), a
//! member's own choice where they made one (`notification_choices`), and
//! the token in each member's one-click unsubscribe links
//! (`notification_tokens`). Kinds are `app::model::notifications::Kind`'s
//! names; a kind without a row has the product's default.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NotificationDefaults::Table)
                    .col(string_len(NotificationDefaults::Kind, 40).primary_key())
                    .col(boolean(NotificationDefaults::Enabled))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationChoices::Table)
                    .col(big_integer(NotificationChoices::UserId))
                    .col(string_len(NotificationChoices::Kind, 40))
                    .col(boolean(NotificationChoices::Enabled))
                    .primary_key(
                        Index::create()
                            .col(NotificationChoices::UserId)
                            .col(NotificationChoices::Kind),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationTokens::Table)
                    .col(big_integer(NotificationTokens::UserId).primary_key())
                    .col(string_len(NotificationTokens::Token, 64).unique_key())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            NotificationDefaults::Table.into_iden(),
            NotificationChoices::Table.into_iden(),
            NotificationTokens::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum NotificationDefaults {
    Table,
    Kind,
    Enabled,
}

#[derive(DeriveIden)]
enum NotificationChoices {
    Table,
    UserId,
    Kind,
    Enabled,
}

#[derive(DeriveIden)]
enum NotificationTokens {
    Table,
    UserId,
    Token,
}
