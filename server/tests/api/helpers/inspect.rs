//! What the databases hold, read straight from them, from outside the app:
//! tenants, accounts, roles, audit entries, counts, tenant databases and
//! their tables, and the connections PostgreSQL sees.

use super::{pg_url_for, Backend, TestApp};
use app::model::Role;
use app::server::entities::control;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter, Statement,
};

impl TestApp {
    /// A connection to a tenant's database from outside the app.
    pub async fn tenant_db(
        &self,
        tenant: &tenancy::entities::tenants::Model,
    ) -> sea_orm::DatabaseConnection {
        let url = match self.backend {
            Backend::Sqlite => format!("sqlite://{}?mode=rw", tenant.database_location),
            Backend::Postgres => pg_url_for(&self.pg, &tenant.database_location),
        };
        Database::connect(url).await.expect("tenant database opens")
    }

    /// A connection to the PostgreSQL server's maintenance database.
    pub async fn pg_admin(&self) -> sea_orm::DatabaseConnection {
        Database::connect(self.pg.as_str())
            .await
            .expect("PostgreSQL answers")
    }

    /// Connections open right now to this app's tenant databases (and
    /// templates), as PostgreSQL counts them.
    pub async fn pg_tenant_connections(&self) -> i64 {
        let admin = self.pg_admin().await;
        let row = admin
            .query_one_raw(Statement::from_string(
                admin.get_database_backend(),
                format!(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE '{}\\_%' \
                     AND datname <> '{}_control'",
                    self.id, self.id
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        admin.close().await.ok();
        row.try_get::<i64>("", "n").unwrap()
    }

    pub async fn tenant(&self, slug: &str) -> Option<tenancy::entities::tenants::Model> {
        tenancy::entities::tenants::Entity::find()
            .filter(tenancy::entities::tenants::Column::Slug.eq(slug))
            .one(&self.state.control)
            .await
            .expect("query tenants")
    }

    /// The id of the account with `email`.
    pub async fn user_id(&self, email: &str) -> i64 {
        control::users::Entity::find()
            .filter(control::users::Column::Email.eq(email))
            .one(&self.state.control)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {email}"))
            .id
    }

    /// `email`'s role in `slug`, read straight from the control database;
    /// `None` when they are not a member.
    pub async fn role_of(&self, slug: &str, email: &str) -> Option<Role> {
        let tenant = self.tenant(slug).await.expect("tenant exists");
        let user_id = self.user_id(email).await;
        control::memberships::Entity::find()
            .filter(control::memberships::Column::TenantId.eq(tenant.id))
            .filter(control::memberships::Column::UserId.eq(user_id))
            .one(&self.state.control)
            .await
            .unwrap()
            .map(|m| m.role)
    }

    /// `slug`'s audit log, read straight from its database, oldest first.
    pub async fn audit_entries(
        &self,
        slug: &str,
    ) -> Vec<app::server::entities::tenant::audit_log::Model> {
        use app::server::entities::tenant::audit_log;
        use sea_orm::QueryOrder;
        let tenant = self.tenant(slug).await.expect("tenant exists");
        let db = self.tenant_db(&tenant).await;
        let entries = audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .all(&db)
            .await
            .unwrap();
        db.close().await.ok();
        entries
    }

    pub async fn count_tenants(&self) -> u64 {
        tenancy::entities::tenants::Entity::find()
            .count(&self.state.control)
            .await
            .unwrap()
    }

    pub async fn count_users(&self) -> u64 {
        control::users::Entity::find()
            .count(&self.state.control)
            .await
            .unwrap()
    }

    /// Tenant databases that exist right now for this app.
    pub async fn tenant_databases(&self) -> Vec<String> {
        match self.backend {
            Backend::Sqlite => std::fs::read_dir(self.dir.join("tenants"))
                .map(|entries| {
                    // The template lives in a directory of its own.
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|name| name.ends_with(".sqlite"))
                        .collect()
                })
                .unwrap_or_default(),
            Backend::Postgres => {
                let admin = Database::connect(self.pg.as_str()).await.unwrap();
                let rows = admin
                    .query_all_raw(Statement::from_string(
                        admin.get_database_backend(),
                        format!(
                            "SELECT datname FROM pg_database WHERE datname LIKE '{id}\\_%' \
                             AND datname NOT IN ('{id}_control', '{id}_template') \
                             AND datname NOT LIKE '{id}\\_warm\\_%'",
                            id = self.id
                        ),
                    ))
                    .await
                    .unwrap();
                admin.close().await.ok();
                rows.iter()
                    .map(|row| row.try_get::<String>("", "datname").unwrap())
                    .collect()
            }
        }
    }

    /// The platform audit's actions for `slug`, oldest first.
    pub async fn platform_actions(&self, slug: &str) -> Vec<String> {
        tenancy::audit::for_tenant(&self.state.control, slug)
            .await
            .expect("read the platform audit")
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    /// The names of the teams in `slug`'s database, read from outside.
    pub async fn team_names(&self, slug: &str) -> std::collections::BTreeSet<String> {
        let tenant = self.tenant(slug).await.expect("tenant exists");
        let db = self.tenant_db(&tenant).await;
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT name FROM teams",
            ))
            .await
            .expect("read the teams");
        db.close().await.ok();
        rows.iter()
            .map(|row| row.try_get::<String>("", "name").expect("a team's name"))
            .collect()
    }

    /// The names of the tables in a tenant's database.
    pub async fn tenant_tables(&self, tenant: &tenancy::entities::tenants::Model) -> Vec<String> {
        let url = match self.backend {
            Backend::Sqlite => format!("sqlite://{}?mode=ro", tenant.database_location),
            Backend::Postgres => pg_url_for(&self.pg, &tenant.database_location),
        };
        let db = Database::connect(url).await.expect("tenant database opens");
        let sql = match self.backend {
            Backend::Sqlite => "SELECT name AS t FROM sqlite_master WHERE type = 'table'",
            Backend::Postgres => "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'",
        };
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        db.close().await.ok();
        rows.iter()
            .map(|r| r.try_get::<String>("", "t").unwrap())
            .collect()
    }
}
