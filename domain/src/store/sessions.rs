//! Dashboard sessions: the rows the web layer's session store keeps (not playback sessions,
//! which live in `playback.rs`).

use async_trait::async_trait;

use super::{execute_with, PostgresStore, SqliteStore, StoreError};

/// A dashboard session as the session layer stores it: an opaque id, its data (JSON) and when
/// it expires (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub data: String,
    pub expires_at: i64,
}

/// Named apart from tower-sessions' `SessionStore`, which the web layer implements on top.
#[async_trait]
pub trait DashboardSessionStore: Send + Sync {
    /// Stores a new session; `false` if the id is taken.
    async fn insert_session(&self, session: &SessionRow) -> Result<bool, StoreError>;
    async fn save_session(&self, session: &SessionRow) -> Result<(), StoreError>;
    /// A session's data unless it expired before `now` (Unix seconds).
    async fn load_session(&self, id: &str, now: i64) -> Result<Option<String>, StoreError>;
    async fn delete_session(&self, id: &str) -> Result<(), StoreError>;
    /// Removes sessions that expired before `now` (Unix seconds); returns how many.
    async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError>;
}

const INSERT_SESSION: &str = "INSERT INTO sessions (id, data, expires_at) \
    VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING";

const UPSERT_SESSION: &str = "INSERT INTO sessions (id, data, expires_at) \
    VALUES ($1, $2, $3) \
    ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at";

const SELECT_SESSION: &str = "SELECT data FROM sessions WHERE id = $1 AND expires_at > $2";

const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";

const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";

/// Implements [`DashboardSessionStore`] for a backend with a `pool` field. Inserting and saving
/// bind the same three columns and differ only in what a taken id does.
macro_rules! impl_dashboard_session_store {
    ($store:ty) => {
        impl $store {
            /// Writes `session` with `sql` (an insert or an upsert); how many rows it wrote.
            async fn write_session(
                &self,
                sql: &str,
                session: &SessionRow,
            ) -> Result<u64, StoreError> {
                let written = sqlx::query(sql)
                    .bind(&session.id)
                    .bind(&session.data)
                    .bind(session.expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(written.rows_affected())
            }
        }

        #[async_trait]
        impl DashboardSessionStore for $store {
            async fn insert_session(&self, session: &SessionRow) -> Result<bool, StoreError> {
                Ok(self.write_session(INSERT_SESSION, session).await? == 1)
            }

            async fn save_session(&self, session: &SessionRow) -> Result<(), StoreError> {
                self.write_session(UPSERT_SESSION, session).await?;
                Ok(())
            }

            async fn load_session(&self, id: &str, now: i64) -> Result<Option<String>, StoreError> {
                Ok(sqlx::query_scalar(SELECT_SESSION)
                    .bind(id)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
                execute_with(&self.pool, DELETE_SESSION, id).await?;
                Ok(())
            }

            async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
                let deleted = execute_with(&self.pool, DELETE_EXPIRED_SESSIONS, now).await?;
                Ok(deleted.rows_affected())
            }
        }
    };
}

impl_dashboard_session_store!(SqliteStore);
impl_dashboard_session_store!(PostgresStore);
