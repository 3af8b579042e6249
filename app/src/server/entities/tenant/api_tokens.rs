use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The token's first characters, shown in lists.
    pub prefix: String,
    /// SHA-256 of the token, hex.
    #[sea_orm(unique)]
    pub digest: String,
    /// The role the token acts with (`admin`, `member`, `viewer`).
    pub role: crate::model::Role,
    /// The control-plane user who created it.
    pub created_by: i64,
    pub created_by_email: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
