use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_domains")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub host: String,
    /// What the TXT record must hold.
    pub token: String,
    pub created_at: i64,
    /// When its DNS was last found right; `None`: not served.
    pub verified_at: Option<i64>,
    pub checked_at: Option<i64>,
    /// What the last check found wrong, in words for the owner.
    pub problem: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
