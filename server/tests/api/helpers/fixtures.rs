//! Fixtures written straight to the control database, past the app's own
//! rules: members, confirmed addresses and invitations nobody has the link of.

use super::{TestApp, PASSWORD};
use app::model::Role;
use app::server::entities::control;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

impl TestApp {
    /// Makes a user (created if new, with [`PASSWORD`]) a member of `slug`
    /// with `role`, straight in the control database: the setup for tests of
    /// what each role may do.
    pub async fn add_member(&self, slug: &str, email: &str, role: Role) {
        let control = &self.state.control;
        let tenant = self.tenant(slug).await.expect("tenant exists");
        let existing = control::users::Entity::find()
            .filter(control::users::Column::Email.eq(email))
            .one(control)
            .await
            .unwrap();
        let user_id = match existing {
            Some(user) => user.id,
            None => {
                let cpu = &self.state.limits.cpu;
                let hash = app::server::identity::password::hash_password(cpu, PASSWORD.into())
                    .await
                    .unwrap();
                control::users::Entity::insert(control::users::ActiveModel {
                    email: Set(email.to_owned()),
                    password_hash: Set(hash.0),
                    created_at: Set(0),
                    // Members made here have confirmed their address.
                    email_verified_at: Set(Some(0)),
                    ..Default::default()
                })
                .exec(control)
                .await
                .unwrap()
                .last_insert_id
            }
        };
        control::memberships::Entity::insert(control::memberships::ActiveModel {
            user_id: Set(user_id),
            tenant_id: Set(tenant.id),
            role: Set(role),
            created_at: Set(0),
            ..Default::default()
        })
        .exec(control)
        .await
        .unwrap(); // As the app's own membership changes do.
        self.state.authority.user_changed(user_id).await;
    }

    /// Marks `email`'s address confirmed, straight in the control database
    /// (tests of the link itself are in `mail.rs`).
    pub async fn mark_verified(&self, email: &str) {
        control::users::Entity::update_many()
            .col_expr(
                control::users::Column::EmailVerifiedAt,
                sea_orm::sea_query::Expr::value(0),
            )
            .filter(control::users::Column::Email.eq(email))
            .exec(&self.state.control)
            .await
            .unwrap();
        let user_id = self.user_id(email).await;
        self.state.authority.user_changed(user_id).await;
    }

    /// An invitation to `slug` for `email` with `role`, straight in the
    /// control database, with a link nobody knows; returns its id.
    pub async fn add_invitation(&self, slug: &str, email: &str, role: Role) -> i64 {
        let tenant = self.tenant(slug).await.expect("tenant exists");
        control::invitations::Entity::insert(control::invitations::ActiveModel {
            tenant_id: Set(tenant.id),
            email: Set(email.to_owned()),
            role: Set(role),
            token_hash: Set(uuid::Uuid::new_v4().simple().to_string()),
            invited_by: Set(0),
            created_at: Set(0),
            sent_at: Set(0),
            expires_at: Set(app::server::time::now_unix() + 3600),
            ..Default::default()
        })
        .exec(&self.state.control)
        .await
        .unwrap()
        .last_insert_id
    }
}
