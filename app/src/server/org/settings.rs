//! The organization's key-value settings table, in its own database.

use crate::server::{entities::tenant::settings, time::now_unix};
use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

/// The setting that holds the organization's display name.
pub const SETTING_ORGANIZATION_NAME: &str = "organization_name";

/// Sets `key` to `value`, creating the row when there is none.
pub async fn put(db: &impl ConnectionTrait, key: &str, value: &str) -> Result<(), DbErr> {
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(now_unix()),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .update_columns([settings::Column::Value, settings::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
