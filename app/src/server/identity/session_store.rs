//! tower-sessions store in the control-plane database, so sessions survive a
//! restart and are shared by every instance, with the records read on every
//! request cached in process ([`AuthorityCache`]).

use crate::server::entities::control::{sessions, users};
use crate::server::identity::authority::AuthorityCache;
use crate::server::time::now_unix;
use async_trait::async_trait;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, SqlErr, TransactionTrait,
};
use std::sync::Arc;
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, SessionStore},
};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    authority: Arc<AuthorityCache>,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection, authority: Arc<AuthorityCache>) -> Self {
        DbSessionStore { db, authority }
    }

    /// Ends every session of `user_id`, on every host and device ("log out
    /// everywhere"), and with them the API tokens the user created until
    /// now (`users.signed_out_at`), in one transaction. Returns how many
    /// sessions there were.
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, sea_orm::DbErr> {
        let txn = self.db.begin().await?;
        users::Entity::update_many()
            .col_expr(users::Column::SignedOutAt, Expr::value(now_unix()))
            .filter(users::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
        let result = sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(user_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        self.authority.user_changed(user_id).await;
        Ok(result.rows_affected)
    }

    /// Deletes expired sessions; run periodically.
    pub async fn delete_expired(&self) -> Result<u64, sea_orm::DbErr> {
        let result = sessions::Entity::delete_many()
            .filter(sessions::Column::ExpiresAt.lte(now_unix()))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}

/// The signed-in user a session belongs to, kept in a column of its own.
pub(crate) fn user_of(record: &Record) -> Option<i64> {
    record
        .data
        .get(crate::server::identity::sign_in::SESSION_USER_ID)
        .and_then(serde_json::Value::as_i64)
}

/// How a backend error begins when its database could not be reached, so
/// that [`is_unreachable`] can tell (the store's errors carry text only).
const UNREACHABLE: &str = "database unreachable: ";

fn backend(e: sea_orm::DbErr) -> session_store::Error {
    if tenancy::db::is_unreachable(&e) {
        session_store::Error::Backend(format!("{UNREACHABLE}{e}"))
    } else {
        session_store::Error::Backend(e.to_string())
    }
}

/// Whether a session failed because the control database could not be
/// reached (a 503 that passes), rather than for a reason of its own.
pub fn is_unreachable(e: &tower_sessions::session::Error) -> bool {
    matches!(
        e,
        tower_sessions::session::Error::Store(session_store::Error::Backend(text))
            if text.starts_with(UNREACHABLE)
    )
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// Inserts a new session, drawing a new id in the (astronomically
    /// unlikely) case that the random one is already in use.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let since = self.authority.stamp();
        loop {
            let inserted = sessions::Entity::insert(sessions::ActiveModel {
                id: Set(record.id.to_string()),
                data: Set(data.clone()),
                expires_at: Set(record.expiry_date.unix_timestamp()),
                user_id: Set(user_of(record)),
            })
            .exec(&self.db)
            .await;
            match inserted {
                Ok(_) => {
                    let id = record.id.to_string();
                    self.authority.keep_session(since, id, record.clone());
                    return Ok(());
                }
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    /// Updates a session loaded earlier in the request. A session deleted
    /// meanwhile (logged out everywhere, expired) stays deleted: this never
    /// inserts. New sessions go through `create`.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let since = self.authority.stamp();
        let updated = sessions::Entity::update_many()
            .col_expr(sessions::Column::Data, Expr::value(data))
            .col_expr(
                sessions::Column::ExpiresAt,
                Expr::value(record.expiry_date.unix_timestamp()),
            )
            .col_expr(sessions::Column::UserId, Expr::value(user_of(record)))
            .filter(sessions::Column::Id.eq(record.id.to_string()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        let id = record.id.to_string();
        if updated.rows_affected == 1 {
            self.authority.keep_session(since, id, record.clone());
        } else {
            self.authority.forget_session(&id);
        }
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let id = session_id.to_string();
        if let Some(record) = self.authority.session(&id) {
            return Ok(Some(record));
        }
        let since = self.authority.stamp();
        let Some(row) = sessions::Entity::find_by_id(id.clone())
            .filter(sessions::Column::ExpiresAt.gt(now_unix()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let record = Record {
            id: *session_id,
            data,
            expiry_date,
        };
        self.authority.keep_session(since, id, record.clone());
        Ok(Some(record))
    }

    /// Deletes the session (a log-out, or the old id of a session given a
    /// new one) and has every instance forget its user's cached sessions.
    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        let id = session_id.to_string();
        let user_id: Option<i64> = match self.authority.session(&id) {
            Some(record) => user_of(&record),
            None => sessions::Entity::find_by_id(id.clone())
                .select_only()
                .column(sessions::Column::UserId)
                .into_tuple::<Option<i64>>()
                .one(&self.db)
                .await
                .map_err(backend)?
                .flatten(),
        };
        sessions::Entity::delete_by_id(id.clone())
            .exec(&self.db)
            .await
            .map_err(backend)?;
        self.authority.forget_session(&id);
        if let Some(user_id) = user_id {
            self.authority.user_changed(user_id).await;
        }
        Ok(())
    }
}
