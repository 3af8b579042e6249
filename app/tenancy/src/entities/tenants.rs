use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub status: String,
    pub database_location: String,
    pub schema_version: Option<String>,
    pub created_at: i64,
    pub database_server_id: Option<i64>,
    pub provision_step: Option<String>,
    pub status_changed_at: Option<i64>,
    pub status_reason: Option<String>,
    pub migration_error: Option<String>,
    /// IANA time zone the organization's pages show times in; `None`: UTC.
    pub time_zone: Option<String>,
    /// `app::model::settings::DateFormat`'s name; `None`: ISO 8601.
    pub date_format: Option<String>,
    /// The primary colour of its pages, `#rrggbb`; `None`: Tenantry's.
    pub brand_color: Option<String>,
    /// The version of the logo its own database keeps; `None`: no logo.
    pub logo: Option<String>,
    /// When its weekly summary last went out; `None`: never.
    pub digest_sent_at: Option<i64>,
    /// The plan it is on, by name; `None`: the default plan.
    pub plan: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
