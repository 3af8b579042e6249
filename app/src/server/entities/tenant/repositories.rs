use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repositories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `owner/name`, as the user wrote it.
    pub name: String,
    /// `name` lower-cased: unique, so names differ by more than case.
    #[sea_orm(unique)]
    pub name_key: String,
    /// The address it was added by, when it was added by one.
    pub url: Option<String>,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
