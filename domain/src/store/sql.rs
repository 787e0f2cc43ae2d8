//! The queries both backends run, written once. SQLite and PostgreSQL both accept `$n`
//! placeholders, and sqlx maps our column types (UUID, timestamps, booleans) on both, so one
//! body serves both pools: [`impl_store!`] instantiates it per backend.

pub(super) const INSERT_EVENT: &str = "INSERT INTO events \
    (id, title, description, stream_url, poster_url, starts_at, ends_at, access_window_hours, \
     is_active, is_archived, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const EVENT_COLUMNS: &str = "id, title, description, stream_url, poster_url, starts_at, ends_at, \
    access_window_hours, is_active, is_archived, created_at, updated_at";

pub(super) fn select_event_by_id() -> String {
    format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1")
}

pub(super) fn select_events() -> String {
    format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_at, id")
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

/// The one query that reads a password hash: sign-in.
pub(super) fn select_user_by_email() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS}, u.password_hash FROM {USERS_WITH_MEMBERSHIP} WHERE u.email = $1"
    )
}

pub(super) fn select_members() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE m.account_id = $1 ORDER BY u.created_at, u.id"
    )
}

pub(super) const INSERT_AUDIT: &str = "INSERT INTO audit_log \
    (id, account_id, actor, action, target, ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(super) const SELECT_AUDIT: &str =
    "SELECT id, account_id, actor, action, target, ip, created_at \
    FROM audit_log WHERE account_id = $1 ORDER BY created_at DESC, id";

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
            ) -> Result<Vec<$crate::model::Event>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_events())
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

            async fn list_members(
                &self,
                account_id: uuid::Uuid,
            ) -> Result<Vec<$crate::model::Member>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_members())
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
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
                account_id: uuid::Uuid,
            ) -> Result<Vec<$crate::model::AuditEntry>, $crate::store::StoreError> {
                Ok(sqlx::query_as($crate::store::sql::SELECT_AUDIT)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

pub(super) use impl_store;
