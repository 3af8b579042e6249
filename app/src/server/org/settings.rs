//! The organization's key-value settings table, in its own database.

use crate::server::{entities::tenant::settings, time::now_unix};
use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

/// Every setting an organization has: the table's vocabulary in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The organization's display name (the control plane keeps a copy).
    OrganizationName,
    /// Where the onboarding wizard is ([`crate::model::onboarding::Progress`]).
    Onboarding,
    /// When the mapping last changed (Unix seconds): the mapping pages'
    /// cache key.
    MappingChangedAt,
}

impl Key {
    pub fn as_str(self) -> &'static str {
        match self {
            Key::OrganizationName => "organization_name",
            Key::Onboarding => "onboarding",
            Key::MappingChangedAt => "mapping.changed_at",
        }
    }
}

/// The value of `key`, if it is set.
pub async fn get(db: &impl ConnectionTrait, key: Key) -> Result<Option<String>, DbErr> {
    Ok(settings::Entity::find_by_id(key.as_str().to_owned())
        .one(db)
        .await?
        .map(|row| row.value))
}

/// Sets `key` to `value`, creating the row when there is none.
pub async fn put(db: &impl ConnectionTrait, key: Key, value: &str) -> Result<(), DbErr> {
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.as_str().to_owned()),
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
