use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub created_at: i64,
    /// When the user proved they read this address (Unix seconds).
    pub email_verified_at: Option<i64>,
    /// When every session and API token of the user was last ended at once
    /// (a password reset, "log out everywhere"; Unix seconds).
    pub signed_out_at: Option<i64>,
}

// The password hash never reaches a log line, even through `{:?}`.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("password_hash", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("email_verified_at", &self.email_verified_at)
            .field("signed_out_at", &self.signed_out_at)
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_never_prints_the_password_hash() {
        let user = super::Model {
            id: 1,
            email: "ann@example.com".into(),
            password_hash: "$argon2id$v=19$secret-hash".into(),
            created_at: 0,
            email_verified_at: None,
            signed_out_at: None,
        };
        let printed = format!("{user:?}");
        assert!(printed.contains("ann@example.com"), "{printed}");
        assert!(!printed.contains("argon2id"), "{printed}");
    }
}
