//! Account quotas as stored: each account's own limits (NULL: the installation's default), the
//! usage they count, renaming, and the lock every guarded insert takes first.
//!
//! A guarded insert (events, code batches, playback sessions) is one transaction that first
//! runs [`LOCK_ACCOUNT`]: on PostgreSQL a row lock, on SQLite the database's write lock taken
//! before anything is read. Concurrent inserts into one account so queue, and each counts what
//! the one before it committed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PostgresStore, SqliteStore, StoreError};
use crate::model::{Account, QuotaExceeded, QuotaMetric, QuotaSettings, Usage};

/// A limit to hold an insert to: the account and its limit in force (0 or more).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaCheck {
    pub account_id: Uuid,
    pub limit: i64,
}

impl QuotaCheck {
    /// The check for `account_id` at `limit`; `None` when there is nothing to hold to (no
    /// account, or unlimited).
    pub fn new(account_id: Option<Uuid>, limit: i64) -> Option<QuotaCheck> {
        match account_id {
            Some(account_id) if limit >= 0 => Some(QuotaCheck { account_id, limit }),
            _ => None,
        }
    }

    /// The refusal, when `adding` more to `used` would pass the limit.
    pub(super) fn exceeded(
        &self,
        metric: QuotaMetric,
        used: i64,
        adding: i64,
    ) -> Option<QuotaExceeded> {
        (used + adding > self.limit).then_some(QuotaExceeded {
            metric,
            limit: self.limit,
            used,
        })
    }

    /// [`Self::exceeded`] as the store's error.
    pub(super) fn admit(
        &self,
        metric: QuotaMetric,
        used: i64,
        adding: i64,
    ) -> Result<(), StoreError> {
        match self.exceeded(metric, used, adding) {
            Some(exceeded) => Err(StoreError::OverQuota(exceeded)),
            None => Ok(()),
        }
    }
}

/// An account with its own limits.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountQuotaRow {
    #[sqlx(flatten)]
    pub account: Account,
    pub max_events: Option<i64>,
    pub max_codes: Option<i64>,
    pub max_concurrent_viewers: Option<i64>,
}

impl AccountQuotaRow {
    pub fn settings(&self) -> QuotaSettings {
        QuotaSettings {
            max_events: self.max_events,
            max_codes: self.max_codes,
            max_concurrent_viewers: self.max_concurrent_viewers,
        }
    }
}

#[async_trait]
pub trait QuotaStore: Send + Sync {
    /// One account with its own limits.
    async fn find_account_quotas(&self, id: Uuid) -> Result<Option<AccountQuotaRow>, StoreError>;
    /// Every account with its own limits, oldest first.
    async fn list_account_quotas(&self) -> Result<Vec<AccountQuotaRow>, StoreError>;
    /// Stores an account's name and own limits; `false` if it does not exist.
    async fn update_account(
        &self,
        id: Uuid,
        name: &str,
        quotas: &QuotaSettings,
    ) -> Result<bool, StoreError>;
    /// What the account holds: its events, their codes, and the sessions seen after
    /// `live_since` that have not ended.
    async fn usage(&self, account_id: Uuid, live_since: DateTime<Utc>)
        -> Result<Usage, StoreError>;
}

/// Takes the account's lock in a guarded insert's transaction (see the module comment); it
/// changes nothing.
pub(super) const LOCK_ACCOUNT: &str = "UPDATE accounts SET name = name WHERE id = $1";

pub(super) const COUNT_EVENTS: &str = "SELECT COUNT(*) FROM events WHERE account_id = $1";

pub(super) const COUNT_CODES: &str = "SELECT COUNT(*) FROM access_codes c \
    JOIN events e ON e.id = c.event_id WHERE e.account_id = $1";

/// Live sessions of the account but the session `$3` (the one a claim just inserted; the
/// timed-out session of its code it replaces has already ended).
pub(super) const COUNT_LIVE_SESSIONS: &str = "SELECT COUNT(*) FROM playback_sessions s \
    JOIN events e ON e.id = s.event_id \
    WHERE e.account_id = $1 AND s.ended_at IS NULL AND s.last_seen_at > $2 AND s.id <> $3";

const ACCOUNT_QUOTA_COLUMNS: &str =
    "id, name, created_at, max_events, max_codes, max_concurrent_viewers";

const UPDATE_ACCOUNT: &str = "UPDATE accounts SET name = $2, max_events = $3, max_codes = $4, \
    max_concurrent_viewers = $5 WHERE id = $1";

/// Implements [`QuotaStore`] for a backend with a `pool` field.
macro_rules! impl_quota_store {
    ($store:ty) => {
        #[async_trait]
        impl QuotaStore for $store {
            async fn find_account_quotas(
                &self,
                id: Uuid,
            ) -> Result<Option<AccountQuotaRow>, StoreError> {
                let sql = format!("SELECT {ACCOUNT_QUOTA_COLUMNS} FROM accounts WHERE id = $1");
                let row = sqlx::query_as(&sql).bind(id);
                Ok(row.fetch_optional(&self.pool).await?)
            }

            async fn list_account_quotas(&self) -> Result<Vec<AccountQuotaRow>, StoreError> {
                let sql =
                    format!("SELECT {ACCOUNT_QUOTA_COLUMNS} FROM accounts ORDER BY created_at, id");
                Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
            }

            async fn update_account(
                &self,
                id: Uuid,
                name: &str,
                quotas: &QuotaSettings,
            ) -> Result<bool, StoreError> {
                let updated = sqlx::query(UPDATE_ACCOUNT)
                    .bind(id)
                    .bind(name)
                    .bind(quotas.max_events)
                    .bind(quotas.max_codes)
                    .bind(quotas.max_concurrent_viewers)
                    .execute(&self.pool)
                    .await?;
                Ok(updated.rows_affected() == 1)
            }

            async fn usage(
                &self,
                account_id: Uuid,
                live_since: DateTime<Utc>,
            ) -> Result<Usage, StoreError> {
                let count = |sql| sqlx::query_scalar::<_, i64>(sql).bind(account_id);
                let events = count(COUNT_EVENTS).fetch_one(&self.pool).await?;
                let codes = count(COUNT_CODES).fetch_one(&self.pool).await?;
                // No session has the nil code id, so all live sessions count.
                let viewers = count(COUNT_LIVE_SESSIONS)
                    .bind(live_since)
                    .bind(Uuid::nil())
                    .fetch_one(&self.pool)
                    .await?;
                Ok(Usage {
                    events,
                    codes,
                    concurrent_viewers: viewers,
                })
            }
        }
    };
}

impl_quota_store!(SqliteStore);
impl_quota_store!(PostgresStore);
