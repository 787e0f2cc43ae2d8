//! The queries both backends run, written once. SQLite and PostgreSQL both accept `$n`
//! placeholders, and sqlx maps our column types (UUID, timestamps, booleans) on both, so one
//! body serves both pools: [`impl_store!`] instantiates it per backend.

pub(super) const INSERT_EVENT: &str = "INSERT INTO events \
    (id, title, description, stream_url, poster_url, starts_at, ends_at, access_window_hours, \
     is_active, is_archived, created_at, updated_at, account_id) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

const EVENT_COLUMNS: &str = "id, account_id, title, description, stream_url, poster_url, \
    starts_at, ends_at, access_window_hours, is_active, is_archived, created_at, updated_at";

pub(super) fn select_event_by_id() -> String {
    format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1")
}

/// With `$1` NULL, every account's events.
pub(super) fn select_events() -> String {
    format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE $1 IS NULL OR account_id = $1 \
         ORDER BY starts_at, id"
    )
}

pub(super) const INSERT_ACCOUNT: &str =
    "INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)";

pub(super) const INSERT_USER: &str = "INSERT INTO users \
    (id, email, password_hash, is_active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)";

pub(super) const INSERT_MEMBERSHIP: &str =
    "INSERT INTO memberships (user_id, account_id, role, created_at) VALUES ($1, $2, $3, $4)";

const MEMBER_COLUMNS: &str =
    "u.id AS user_id, m.account_id, u.email, m.role, u.is_active, u.created_at";

const USERS_WITH_MEMBERSHIP: &str = "users u JOIN memberships m ON m.user_id = u.id";

/// Members with what never leaves the domain: the password hash and credential changes.
const USER_RECORD_COLUMNS: &str = "u.password_hash, u.credentials_changed_at";

pub(super) fn select_user_by_email() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS}, {USER_RECORD_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE u.email = $1"
    )
}

pub(super) fn select_user_by_id() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS}, {USER_RECORD_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE u.id = $1"
    )
}

pub(super) fn select_members() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE m.account_id = $1 ORDER BY u.created_at, u.id"
    )
}

pub(super) const SELECT_ACCOUNT: &str = "SELECT id, name, created_at FROM accounts WHERE id = $1";

pub(super) const SELECT_ACCOUNTS: &str =
    "SELECT id, name, created_at FROM accounts ORDER BY created_at, id";

pub(super) const UPDATE_ROLE: &str = "UPDATE memberships SET role = $2 WHERE user_id = $1";

/// Deactivating also voids credentials issued so far; reactivating keeps that moment.
pub(super) const UPDATE_USER_ACTIVE: &str = "UPDATE users SET is_active = $2, updated_at = $3, \
    credentials_changed_at = CASE WHEN $2 THEN credentials_changed_at ELSE $3 END WHERE id = $1";

pub(super) const UPDATE_PASSWORD: &str = "UPDATE users \
    SET password_hash = $2, updated_at = $3, credentials_changed_at = $3 WHERE id = $1";

pub(super) const INSERT_AUDIT: &str = "INSERT INTO audit_log \
    (id, account_id, actor, action, target, ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// With `$1` NULL, every account's entries (and platform-level ones).
pub(super) const SELECT_AUDIT: &str =
    "SELECT id, account_id, actor, action, target, ip, created_at FROM audit_log \
    WHERE $1 IS NULL OR account_id = $1 ORDER BY created_at DESC, seq DESC";

pub(super) const SELECT_SETTING: &str = "SELECT value FROM settings WHERE key = $1";

pub(super) const INSERT_SETTING: &str = "INSERT INTO settings (key, value, created_at) \
    VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING";

pub(super) const INSERT_SESSION: &str = "INSERT INTO sessions (id, data, expires_at) \
    VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING";

pub(super) const UPSERT_SESSION: &str = "INSERT INTO sessions (id, data, expires_at) \
    VALUES ($1, $2, $3) \
    ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at";

pub(super) const SELECT_SESSION: &str =
    "SELECT data FROM sessions WHERE id = $1 AND expires_at > $2";

pub(super) const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";

pub(super) const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";

/// Inserts a user row and its membership row inside the transaction `$tx`.
macro_rules! insert_user_rows {
    ($tx:ident, $user:expr) => {{
        let user: &$crate::store::UserRecord = $user;
        let member = &user.member;
        sqlx::query($crate::store::sql::INSERT_USER)
            .bind(member.user_id)
            .bind(&member.email)
            .bind(&user.password_hash)
            .bind(member.is_active)
            .bind(member.created_at)
            .execute(&mut *$tx)
            .await?;
        sqlx::query($crate::store::sql::INSERT_MEMBERSHIP)
            .bind(member.user_id)
            .bind(member.account_id)
            .bind(member.role.as_str())
            .bind(member.created_at)
            .execute(&mut *$tx)
            .await?;
    }};
}

pub(super) use insert_user_rows;

/// Implements [`super::Store`] for a struct with a `pool` field and an associated `MIGRATOR`.
macro_rules! impl_store {
    ($store:ty, $backend:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> $crate::store::Backend {
                $backend
            }

            async fn migrate(&self) -> Result<(), $crate::store::StoreError> {
                Self::MIGRATOR.run(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn insert_event(
                &self,
                event: &$crate::model::Event,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::INSERT_EVENT)
                    .bind(event.id)
                    .bind(&event.title)
                    .bind(&event.description)
                    .bind(&event.stream_url)
                    .bind(&event.poster_url)
                    .bind(event.starts_at)
                    .bind(event.ends_at)
                    .bind(event.access_window_hours)
                    .bind(event.is_active)
                    .bind(event.is_archived)
                    .bind(event.created_at)
                    .bind(event.updated_at)
                    .bind(event.account_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find_event(
                &self,
                id: uuid::Uuid,
            ) -> Result<Option<$crate::model::Event>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_event_by_id())
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_events(
                &self,
                account_id: Option<uuid::Uuid>,
            ) -> Result<Vec<$crate::model::Event>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_events())
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn insert_account_with_user(
                &self,
                account: &$crate::model::Account,
                user: &$crate::store::UserRecord,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query($crate::store::sql::INSERT_ACCOUNT)
                    .bind(account.id)
                    .bind(&account.name)
                    .bind(account.created_at)
                    .execute(&mut *tx)
                    .await?;
                $crate::store::sql::insert_user_rows!(tx, user);
                tx.commit().await?;
                Ok(())
            }

            async fn count_accounts(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn find_account(
                &self,
                id: uuid::Uuid,
            ) -> Result<Option<$crate::model::Account>, $crate::store::StoreError> {
                Ok(sqlx::query_as($crate::store::sql::SELECT_ACCOUNT)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_accounts(
                &self,
            ) -> Result<Vec<$crate::model::Account>, $crate::store::StoreError> {
                Ok(sqlx::query_as($crate::store::sql::SELECT_ACCOUNTS)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn count_users(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn insert_user(
                &self,
                user: &$crate::store::UserRecord,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                $crate::store::sql::insert_user_rows!(tx, user);
                tx.commit().await?;
                Ok(())
            }

            async fn find_user_by_email(
                &self,
                email: &str,
            ) -> Result<Option<$crate::store::UserRecord>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_user_by_email())
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn find_user(
                &self,
                user_id: uuid::Uuid,
            ) -> Result<Option<$crate::store::UserRecord>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_user_by_id())
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_members(
                &self,
                account_id: uuid::Uuid,
            ) -> Result<Vec<$crate::model::Member>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_members())
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn update_role(
                &self,
                user_id: uuid::Uuid,
                role: $crate::model::Role,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPDATE_ROLE)
                    .bind(user_id)
                    .bind(role.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_user_active(
                &self,
                user_id: uuid::Uuid,
                active: bool,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPDATE_USER_ACTIVE)
                    .bind(user_id)
                    .bind(active)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn update_password(
                &self,
                user_id: uuid::Uuid,
                password_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPDATE_PASSWORD)
                    .bind(user_id)
                    .bind(password_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn insert_audit(
                &self,
                entry: &$crate::model::AuditEntry,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::INSERT_AUDIT)
                    .bind(entry.id)
                    .bind(entry.account_id)
                    .bind(&entry.actor)
                    .bind(&entry.action)
                    .bind(&entry.target)
                    .bind(&entry.ip)
                    .bind(entry.created_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_audit(
                &self,
                account_id: Option<uuid::Uuid>,
            ) -> Result<Vec<$crate::model::AuditEntry>, $crate::store::StoreError> {
                Ok(sqlx::query_as($crate::store::sql::SELECT_AUDIT)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn setting_or_insert(
                &self,
                key: &str,
                value: &str,
            ) -> Result<String, $crate::store::StoreError> {
                sqlx::query($crate::store::sql::INSERT_SETTING)
                    .bind(key)
                    .bind(value)
                    .bind($crate::model::time::now())
                    .execute(&self.pool)
                    .await?;
                Ok(sqlx::query_scalar($crate::store::sql::SELECT_SETTING)
                    .bind(key)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn insert_session(
                &self,
                session: &$crate::store::SessionRow,
            ) -> Result<bool, $crate::store::StoreError> {
                let inserted = sqlx::query($crate::store::sql::INSERT_SESSION)
                    .bind(&session.id)
                    .bind(&session.data)
                    .bind(session.expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(inserted.rows_affected() == 1)
            }

            async fn save_session(
                &self,
                session: &$crate::store::SessionRow,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPSERT_SESSION)
                    .bind(&session.id)
                    .bind(&session.data)
                    .bind(session.expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn load_session(
                &self,
                id: &str,
                now: i64,
            ) -> Result<Option<String>, $crate::store::StoreError> {
                Ok(sqlx::query_scalar($crate::store::sql::SELECT_SESSION)
                    .bind(id)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn delete_session(&self, id: &str) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::DELETE_SESSION)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_expired_sessions(
                &self,
                now: i64,
            ) -> Result<u64, $crate::store::StoreError> {
                Ok(sqlx::query($crate::store::sql::DELETE_EXPIRED_SESSIONS)
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }
    };
}

pub(super) use impl_store;
