use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "one_time_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub purpose: Purpose,
    pub user_id: i64,
    pub tenant_id: Option<i64>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// What a token is for: one purpose's token never opens another's door.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Purpose {
    /// Carries a new session from the apex to a tenant's host (sign-up,
    /// switching organizations).
    #[sea_orm(string_value = "handoff")]
    Handoff,
    /// Confirms an email address.
    #[sea_orm(string_value = "verify_email")]
    VerifyEmail,
    /// Lets the holder choose a new password.
    #[sea_orm(string_value = "password_reset")]
    PasswordReset,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
