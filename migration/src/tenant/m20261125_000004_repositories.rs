//! Repositories, labels, mapping rules, the decisions made by hand, and the
//! assignments the mapping engine derives from them (with their reasons).
//!
//! Names are unique case-insensitively through a lower-cased `*_key`
//! column, which works the same on SQLite and PostgreSQL. Everything that
//! names a team, a repository or a label goes away with it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Repositories::Table)
                    .col(big_pk_auto(Repositories::Id))
                    .col(string_len(Repositories::Name, 200))
                    .col(string_len_uniq(Repositories::NameKey, 200))
                    .col(text_null(Repositories::Url))
                    .col(big_integer(Repositories::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Labels::Table)
                    .col(big_pk_auto(Labels::Id))
                    .col(string_len(Labels::Name, 50))
                    .col(string_len_uniq(Labels::NameKey, 50))
                    .col(big_integer(Labels::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RepositoryLabels::Table)
                    .col(big_integer(RepositoryLabels::RepositoryId))
                    .col(big_integer(RepositoryLabels::LabelId))
                    .primary_key(
                        Index::create()
                            .col(RepositoryLabels::RepositoryId)
                            .col(RepositoryLabels::LabelId),
                    )
                    .foreign_key(&mut cascade(
                        RepositoryLabels::Table,
                        RepositoryLabels::RepositoryId,
                        Repositories::Table,
                        Repositories::Id,
                    ))
                    .foreign_key(&mut cascade(
                        RepositoryLabels::Table,
                        RepositoryLabels::LabelId,
                        Labels::Table,
                        Labels::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MappingRules::Table)
                    .col(big_pk_auto(MappingRules::Id))
                    .col(big_integer(MappingRules::TeamId))
                    // A pattern rule has a pattern, a label rule a label.
                    .col(string_len_null(MappingRules::Pattern, 300))
                    .col(big_integer_null(MappingRules::LabelId))
                    .col(big_integer(MappingRules::CreatedAt))
                    .foreign_key(&mut cascade(
                        MappingRules::Table,
                        MappingRules::TeamId,
                        Teams::Table,
                        Teams::Id,
                    ))
                    .foreign_key(&mut cascade(
                        MappingRules::Table,
                        MappingRules::LabelId,
                        Labels::Table,
                        Labels::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                repository_team(ManualDecisions::Table)
                    // `assign` or `exclude`.
                    .col(string_len(ManualDecisions::Decision, 10))
                    .col(big_integer(ManualDecisions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                repository_team(Assignments::Table)
                    // The reasons, as JSON: `[{"Pattern":{"rule_id":3}},"Manual"]`.
                    .col(text(Assignments::Reasons))
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (
                "repository_labels_label_idx",
                RepositoryLabels::Table.into_iden(),
                RepositoryLabels::LabelId.into_iden(),
            ),
            (
                "mapping_rules_team_idx",
                MappingRules::Table.into_iden(),
                MappingRules::TeamId.into_iden(),
            ),
            (
                "mapping_rules_label_idx",
                MappingRules::Table.into_iden(),
                MappingRules::LabelId.into_iden(),
            ),
            (
                "manual_decisions_team_idx",
                ManualDecisions::Table.into_iden(),
                Assignments::TeamId.into_iden(),
            ),
            (
                "assignments_team_idx",
                Assignments::Table.into_iden(),
                Assignments::TeamId.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Assignments::Table.into_iden(),
            ManualDecisions::Table.into_iden(),
            MappingRules::Table.into_iden(),
            RepositoryLabels::Table.into_iden(),
            Labels::Table.into_iden(),
            Repositories::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A table keyed by a repository and a team, both cascading.
fn repository_team(table: impl IntoIden) -> TableCreateStatement {
    let table = table.into_iden();
    Table::create()
        .table(table.clone())
        .col(big_integer(Assignments::RepositoryId))
        .col(big_integer(Assignments::TeamId))
        .primary_key(
            Index::create()
                .col(Assignments::RepositoryId)
                .col(Assignments::TeamId),
        )
        .foreign_key(&mut cascade(
            table.clone(),
            Assignments::RepositoryId,
            Repositories::Table,
            Repositories::Id,
        ))
        .foreign_key(&mut cascade(
            table,
            Assignments::TeamId,
            Teams::Table,
            Teams::Id,
        ))
        .to_owned()
}

fn cascade(
    from: impl IntoIden,
    from_col: impl IntoIden,
    to: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, from_col)
        .to(to, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[derive(DeriveIden)]
enum Repositories {
    Table,
    Id,
    Name,
    NameKey,
    Url,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Labels {
    Table,
    Id,
    Name,
    NameKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RepositoryLabels {
    Table,
    RepositoryId,
    LabelId,
}

#[derive(DeriveIden)]
enum MappingRules {
    Table,
    Id,
    TeamId,
    Pattern,
    LabelId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ManualDecisions {
    Table,
    Decision,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    RepositoryId,
    TeamId,
    Reasons,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}
