//! Storage: the one place that knows SQL. The rest of the program asks a [`Store`] and never
//! names a pool.
//!
//! Each capability is a trait in its own file, with its queries and their implementation for
//! both backends ([`SqliteStore`], [`PostgresStore`]): SQLite and PostgreSQL both accept `$n`
//! placeholders and sqlx maps our column types on both, so every query is written once and a
//! small macro per file instantiates it per backend. [`Store`] gathers the capabilities. Each
//! backend keeps its own migrations because the column types differ.
//!
//! What several methods share is a function generic over the sqlx database instead; its
//! `where` clause names the value types it binds, which both drivers support but generic code
//! has to spell out.

mod access_changes;
mod accounts;
mod api_tokens;
mod audit;
mod codes;
mod error;
mod events;
mod location;
mod playback;
mod postgres;
mod quotas;
mod rate_limits;
mod se_tokens;
mod sessions;
mod settings;
mod sqlite;
mod tips;

use std::fmt;

use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, IntoArguments, Pool, QueryBuilder, Type};
use uuid::Uuid;

pub use accounts::{AccountStore, UserRecord};
pub use api_tokens::{ApiTokenRecord, ApiTokenStore};
pub use audit::AuditStore;
pub use codes::CodeStore;
pub use error::StoreError;
pub use events::EventStore;
pub use location::DatabaseLocation;
pub use playback::{ClaimOutcome, PlaybackStore, SessionClaim};
pub use postgres::PostgresStore;
pub use quotas::{AccountQuotaRow, QuotaCheck, QuotaStore};
pub use rate_limits::{Gcra, RateLimitStore};
pub use se_tokens::{SeTokenRecord, SeTokenReport, SeTokenStore};
pub use sessions::{DashboardSessionStore, SessionRow};
pub use settings::SettingStore;
pub use sqlite::SqliteStore;
pub use tips::TipStore;

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

/// The pool's connections at one moment (for the operators' metrics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolConnections {
    /// Checked out by a query now.
    pub active: u32,
    /// Open and waiting in the pool.
    pub idle: u32,
}

/// Every query the domain needs (one method each, in the capability traits) and the pool's
/// own life cycle.
#[async_trait]
pub trait Store:
    EventStore
    + CodeStore
    + AccountStore
    + ApiTokenStore
    + AuditStore
    + SettingStore
    + DashboardSessionStore
    + PlaybackStore
    + RateLimitStore
    + QuotaStore
    + SeTokenStore
    + TipStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Applies the backend's pending migrations.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Closes the pool, waiting for connections in use to be returned.
    async fn close(&self);

    fn pool_connections(&self) -> PoolConnections;
}

/// Implements [`Store`] for a backend with a `pool` field and an associated `MIGRATOR`.
macro_rules! impl_store {
    ($store:ty, $backend:expr) => {
        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn migrate(&self) -> Result<(), StoreError> {
                Self::MIGRATOR.run(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            fn pool_connections(&self) -> PoolConnections {
                let size = self.pool.size();
                let idle = u32::try_from(self.pool.num_idle())
                    .unwrap_or(u32::MAX)
                    .min(size);
                PoolConnections {
                    active: size - idle,
                    idle,
                }
            }
        }
    };
}

impl_store!(SqliteStore, Backend::Sqlite);
impl_store!(PostgresStore, Backend::Postgres);

/// `LIKE` pattern for "contains `text`", lower-cased, with `%`, `_` and `\` escaped
/// (the queries say `ESCAPE '\'`). Event titles and codes are searched alike.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// Appends a listing's `from` (ending in a `WHERE`, its events named `e`), kept to the
/// account `scope` when there is one: events and codes are scoped alike.
fn push_scoped_from<'a, DB: Database>(
    qb: &mut QueryBuilder<'a, DB>,
    from: &str,
    scope: Option<Uuid>,
) where
    Uuid: Encode<'a, DB> + Type<DB>,
{
    qb.push(from);
    if let Some(account_id) = scope {
        qb.push(" AND e.account_id = ").push_bind(account_id);
    }
}

/// Appends `ids` as a comma-separated list of bound values (for `IN (…)`).
fn push_ids<'a, DB: Database>(qb: &mut QueryBuilder<'a, DB>, ids: &[Uuid])
where
    Uuid: Encode<'a, DB> + Type<DB>,
{
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
}

/// Runs `sql` with its one parameter `value` on `pool` (deletions, mostly).
async fn execute_with<'q, DB: Database, T>(
    pool: &Pool<DB>,
    sql: &'q str,
    value: T,
) -> Result<DB::QueryResult, StoreError>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'a> DB::Arguments<'a>: IntoArguments<'a, DB>,
    T: Encode<'q, DB> + Type<DB> + Send + 'q,
{
    Ok(sqlx::query(sql).bind(value).execute(pool).await?)
}
