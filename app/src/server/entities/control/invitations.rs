use sea_orm::entity::prelude::*;

/// An invitation to join an organization, by email, with a role. The link's
/// token is stored only as its SHA-256 digest.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub email: String,
    pub role: crate::model::Role,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub invited_by: i64,
    pub created_at: i64,
    /// When the current link was sent (a resend replaces the link).
    pub sent_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
