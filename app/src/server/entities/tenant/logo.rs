use sea_orm::entity::prelude::*;

/// The organization's logo (one row at most, id 1), as Tenantry
/// re-encoded it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "logo")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub png: Vec<u8>,
    pub width: i32,
    pub height: i32,
    pub version: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
