//! Storage: the one place that knows SQL. The rest of the program asks a [`Store`] and never
//! names a pool. Both backends share their queries (see `sql.rs`); each keeps its own
//! migrations because the column types differ.

mod playback;
mod postgres;
mod sql;
mod sqlite;

use std::{fmt, path::Path, sync::Arc};

use async_trait::async_trait;
use uuid::Uuid;

use chrono::{DateTime, Utc};

use crate::model::{
    AccessChange, AccessCode, Account, AuditEntry, CodeQuery, DashboardStats, Event, EventQuery,
    EventSummary, Member, Role,
};

pub use playback::{ClaimOutcome, PlaybackStore, SessionClaim};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (e.g. an email already in use).
    #[error("duplicate value: {0}")]
    Duplicate(sqlx::Error),
    /// A batch of codes kept colliding with existing ones (see `sql::CODE_INSERT_ROUNDS`).
    #[error("could not find unused access codes")]
    CodeSpaceExhausted,
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err.as_database_error() {
            Some(db) if db.is_unique_violation() => StoreError::Duplicate(err),
            _ => StoreError::Database(err),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// Every query the domain needs, one method each (watching's are in [`PlaybackStore`]).
#[async_trait]
pub trait Store: PlaybackStore + Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Applies the backend's pending migrations.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Closes the pool, waiting for connections in use to be returned.
    async fn close(&self);

    async fn insert_event(&self, event: &Event) -> Result<(), StoreError>;
    async fn find_event(&self, id: Uuid) -> Result<Option<Event>, StoreError>;
    /// One account's events (every event with `None`), the soonest start first.
    async fn list_events(&self, account_id: Option<Uuid>) -> Result<Vec<Event>, StoreError>;
    /// A page of one account's events (every account's with `None`) with their code counts, the
    /// latest start first, and how many match in all.
    async fn list_event_summaries(
        &self,
        account_id: Option<Uuid>,
        query: &EventQuery,
    ) -> Result<(Vec<EventSummary>, i64), StoreError>;
    /// Stores every field of `event`; with `codes_expire_at`, moves its codes' expiry there, and
    /// logs `change` (a switch on or off), in the same transaction.
    async fn update_event(
        &self,
        event: &Event,
        codes_expire_at: Option<DateTime<Utc>>,
        change: Option<&AccessChange>,
    ) -> Result<(), StoreError>;
    /// Deletes the event of `change` (its deletion) with its codes and their sessions, logging
    /// the change; `false` if absent.
    async fn delete_event(&self, change: &AccessChange) -> Result<bool, StoreError>;
    /// Counts for the dashboard: one account's (every account's with `None`); viewers are the
    /// sessions seen after `live_since`.
    async fn dashboard_stats(
        &self,
        account_id: Option<Uuid>,
        live_since: DateTime<Utc>,
    ) -> Result<DashboardStats, StoreError>;

    /// Inserts a batch of codes in one transaction. Codes that collide with existing ones (or
    /// each other) get a fresh code from `regenerate` and are retried; if collisions persist
    /// nothing is stored.
    async fn insert_codes(
        &self,
        codes: Vec<AccessCode>,
        regenerate: &(dyn Fn() -> String + Send + Sync),
    ) -> Result<Vec<AccessCode>, StoreError>;
    async fn find_code(&self, id: Uuid) -> Result<Option<AccessCode>, StoreError>;
    /// Codes matching `query` within one account (every account with `None`), newest first:
    /// at most `limit + 1` rows after the keyset `after` (or after `offset` rows), and how many
    /// match in all.
    async fn list_codes(
        &self,
        account_id: Option<Uuid>,
        query: &CodeQuery,
        after: Option<(DateTime<Utc>, Uuid)>,
        now: DateTime<Utc>,
    ) -> Result<(Vec<AccessCode>, i64), StoreError>;
    /// Every code of an event, newest first (the CSV export).
    async fn list_event_codes(&self, event_id: Uuid) -> Result<Vec<AccessCode>, StoreError>;
    /// Revokes (keeping the first revocation time) or un-revokes one code, logging the change;
    /// `None` if absent.
    async fn set_code_revoked(
        &self,
        id: Uuid,
        revoked: bool,
        now: DateTime<Utc>,
    ) -> Result<Option<AccessCode>, StoreError>;
    /// Revokes those of `ids` that are not revoked yet and belong to the account (any account
    /// with `None`), logging each; returns the changes.
    async fn revoke_codes(
        &self,
        ids: &[Uuid],
        account_id: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccessChange>, StoreError>;

    /// A new account and its first user, in one transaction.
    async fn insert_account_with_user(
        &self,
        account: &Account,
        user: &UserRecord,
    ) -> Result<(), StoreError>;
    /// A new account without users (the installation's default account).
    async fn insert_account(&self, account: &Account) -> Result<(), StoreError>;
    async fn count_accounts(&self) -> Result<i64, StoreError>;
    async fn find_account(&self, id: Uuid) -> Result<Option<Account>, StoreError>;
    /// All accounts, oldest first.
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError>;

    async fn count_users(&self) -> Result<i64, StoreError>;
    /// A user and their membership, in one transaction.
    async fn insert_user(&self, user: &UserRecord) -> Result<(), StoreError>;
    /// A user by (lower-case) email, with the password hash, for sign-in.
    async fn find_user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError>;
    /// A user by id, with the password hash (password change, credential checks).
    async fn find_user(&self, user_id: Uuid) -> Result<Option<UserRecord>, StoreError>;
    /// An account's members, oldest first.
    async fn list_members(&self, account_id: Uuid) -> Result<Vec<Member>, StoreError>;
    async fn update_role(&self, user_id: Uuid, role: Role) -> Result<(), StoreError>;
    /// Activates or deactivates a user; deactivation also ends their sessions and tokens.
    async fn set_user_active(
        &self,
        user_id: Uuid,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Changes a member's role and/or active flag in one transaction (deactivation also ends
    /// their sessions and tokens, as set_user_active does). None leaves a field as it is.
    async fn update_member(
        &self,
        user_id: Uuid,
        role: Option<Role>,
        active: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Replaces the password hash and ends the user's earlier sessions and tokens.
    async fn update_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    async fn insert_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// The audit trail, newest first: one account's, or with `None` every entry.
    async fn list_audit(&self, account_id: Option<Uuid>) -> Result<Vec<AuditEntry>, StoreError>;

    /// Stores the setting `key` = `value` unless `key` already has one; returns the value that is stored now, so
    /// concurrent first starts agree.
    async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError>;
    /// The setting `key`, if it has one.
    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Stores the setting `key` = `value`, replacing any earlier value.
    async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;

    /// Stores a new session; `false` if the id is taken.
    async fn insert_session(&self, session: &SessionRow) -> Result<bool, StoreError>;
    async fn save_session(&self, session: &SessionRow) -> Result<(), StoreError>;
    /// A session's data unless it expired before `now` (Unix seconds).
    async fn load_session(&self, id: &str, now: i64) -> Result<Option<String>, StoreError>;
    async fn delete_session(&self, id: &str) -> Result<(), StoreError>;
    /// Removes sessions that expired before `now` (Unix seconds); returns how many.
    async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError>;
}

/// A user as stored: their membership plus what never leaves the domain (the password hash,
/// and when their credentials last changed).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRecord {
    #[sqlx(flatten)]
    pub member: Member,
    pub password_hash: String,
    /// Sessions and tokens issued before this moment are void.
    pub credentials_changed_at: Option<DateTime<Utc>>,
}

/// A dashboard session as the session layer stores it: an opaque id, its data (JSON) and when
/// it expires (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub data: String,
    pub expires_at: i64,
}

/// Where the data lives: a PostgreSQL URL, or an SQLite file (the embedded default).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Postgres { url: String },
    Sqlite { path: std::path::PathBuf },
}

impl DatabaseLocation {
    /// The SQLite file used when no `DATABASE_URL` is given.
    pub const SQLITE_FILE_NAME: &'static str = "streamgate.db";

    /// `database_url` wins when set: `postgres://…`/`postgresql://…` or `sqlite://PATH`.
    /// Otherwise an SQLite file inside `data_dir`.
    pub fn resolve(database_url: Option<&str>, data_dir: &Path) -> Result<Self, String> {
        match database_url.map(str::trim).filter(|url| !url.is_empty()) {
            None => Ok(DatabaseLocation::Sqlite {
                path: data_dir.join(Self::SQLITE_FILE_NAME),
            }),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DatabaseLocation::Postgres {
                    url: url.to_owned(),
                })
            }
            Some(url) => match url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
            {
                Some(path) if !path.is_empty() => {
                    Ok(DatabaseLocation::Sqlite { path: path.into() })
                }
                _ => Err(format!(
                    "DATABASE_URL must start with postgres://, postgresql:// or sqlite://, got {}",
                    redact_password(url)
                )),
            },
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseLocation::Postgres { .. } => Backend::Postgres,
            DatabaseLocation::Sqlite { .. } => Backend::Sqlite,
        }
    }

    /// Opens a pool on the location (creating an SQLite file and its directory if missing).
    /// Does not migrate.
    pub async fn connect(&self) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match self {
            DatabaseLocation::Postgres { url } => Arc::new(PostgresStore::connect(url).await?),
            DatabaseLocation::Sqlite { path } => Arc::new(SqliteStore::open(path).await?),
        })
    }
}

// Logs and errors show where the data is, never the password.
impl fmt::Debug for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseLocation::Postgres { url } => f.write_str(&redact_password(url)),
            DatabaseLocation::Sqlite { path } => write!(f, "sqlite://{}", path.display()),
        }
    }
}

fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_database_url_means_sqlite_in_the_data_dir() {
        let location = DatabaseLocation::resolve(None, Path::new("/var/lib/sg")).unwrap();
        assert_eq!(
            location,
            DatabaseLocation::Sqlite {
                path: "/var/lib/sg/streamgate.db".into()
            }
        );
        assert_eq!(
            DatabaseLocation::resolve(Some("  "), Path::new("d"))
                .unwrap()
                .backend(),
            Backend::Sqlite
        );
    }

    #[test]
    fn postgres_urls_select_postgres_and_hide_the_password() {
        let location =
            DatabaseLocation::resolve(Some("postgres://sg:hunter2@db:5432/sg"), Path::new("d"))
                .unwrap();
        assert_eq!(location.backend(), Backend::Postgres);
        let shown = format!("{location:?} {location}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://sg:***@db:5432/sg"), "{shown}");
    }

    #[test]
    fn sqlite_urls_name_a_file_and_other_schemes_are_refused() {
        assert_eq!(
            DatabaseLocation::resolve(Some("sqlite:///tmp/x.db"), Path::new("d")).unwrap(),
            DatabaseLocation::Sqlite {
                path: "/tmp/x.db".into()
            }
        );
        let err =
            DatabaseLocation::resolve(Some("mysql://u:secret@h/db"), Path::new("d")).unwrap_err();
        assert!(
            err.contains("postgres://") && !err.contains("secret"),
            "{err}"
        );
    }
}
