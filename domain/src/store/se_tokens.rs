//! StreamElements tokens (seed 000's `db::se_tokens`, its functions by their names), the
//! worker's status beside each, and the lease that says which instance runs an account's
//! worker.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PostgresStore, SqliteStore, StoreError};
use crate::model::{SePlatform, SeTokenStatus};

/// A token row: the ciphertext, never the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeTokenRecord {
    pub id: Uuid,
    pub account_id: Uuid,
    pub platform: SePlatform,
    /// `v1:…`, as [`crate::service::TokenCipher`] wrote it.
    pub token: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Changes whenever the token is replaced: what a status report is checked against.
    pub updated_at: DateTime<Utc>,
    pub status: SeTokenStatus,
    pub last_error: Option<String>,
    pub connected_at: Option<DateTime<Utc>>,
}

/// What the worker reports about one token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeTokenReport {
    pub id: Uuid,
    /// The version of the token the worker used; a report about a replaced token is dropped.
    pub updated_at: DateTime<Utc>,
    pub status: SeTokenStatus,
    pub last_error: Option<String>,
    /// Set when the subscription was confirmed.
    pub connected_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait SeTokenStore: Send + Sync {
    /// An account's tokens, ordered by platform.
    async fn list_tokens(&self, account_id: Uuid) -> Result<Vec<SeTokenRecord>, StoreError>;
    /// Inserts the token, or replaces the account's token for the platform (keeping its id
    /// and creation time; the status starts again at `connecting`). Returns the row.
    async fn upsert_token(&self, record: &SeTokenRecord) -> Result<SeTokenRecord, StoreError>;
    /// Deletes the account's token `id`; `None` when the account has no such token.
    async fn delete_token(
        &self,
        account_id: Uuid,
        id: Uuid,
    ) -> Result<Option<SeTokenRecord>, StoreError>;
    async fn has_tokens(&self, account_id: Uuid) -> Result<bool, StoreError>;
    /// Every account with tokens and its tokens (boot recovery, and the workers' reconcile).
    async fn list_all_accounts_with_tokens(
        &self,
    ) -> Result<Vec<(Uuid, Vec<SeTokenRecord>)>, StoreError>;
    /// Records the worker's view of a token, unless the token was replaced since.
    async fn report_token_status(&self, report: &SeTokenReport) -> Result<(), StoreError>;
    /// Takes or renews the lease on `account_id`'s worker for `holder` until `until`: granted
    /// when nobody holds it, `holder` does, or the holder let it pass `now`.
    async fn claim_worker_lease(
        &self,
        account_id: Uuid,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Gives the lease up (if `holder` has it), so another instance need not wait it out.
    async fn release_worker_lease(&self, account_id: Uuid, holder: &str) -> Result<(), StoreError>;
}

const COLUMNS: &str = "id, account_id, platform, token, label, created_at, updated_at, status, \
    last_error, connected_at";

const UPSERT: &str = "INSERT INTO se_tokens (id, account_id, platform, token, label, created_at, \
    updated_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'connecting') \
    ON CONFLICT (account_id, platform) DO UPDATE SET token = excluded.token, \
    label = excluded.label, updated_at = excluded.updated_at, status = 'connecting', \
    last_error = NULL";

const REPORT: &str = "UPDATE se_tokens SET status = $3, last_error = $4, \
    connected_at = COALESCE($5, connected_at) WHERE id = $1 AND updated_at = $2";

const CLAIM: &str = "INSERT INTO se_worker_leases (account_id, holder, expires_at) \
    VALUES ($1, $2, $4) ON CONFLICT (account_id) DO UPDATE \
    SET holder = excluded.holder, expires_at = excluded.expires_at \
    WHERE se_worker_leases.holder = excluded.holder OR se_worker_leases.expires_at < $3";

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    account_id: Uuid,
    platform: String,
    token: String,
    label: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    status: String,
    last_error: Option<String>,
    connected_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    fn parse(self) -> Result<SeTokenRecord, StoreError> {
        let corrupt = |what: String| StoreError::Database(sqlx::Error::Decode(what.into()));
        Ok(SeTokenRecord {
            id: self.id,
            account_id: self.account_id,
            platform: SePlatform::parse(&self.platform)
                .ok_or_else(|| corrupt(format!("unknown platform `{}`", self.platform)))?,
            token: self.token,
            label: self.label,
            created_at: self.created_at,
            updated_at: self.updated_at,
            status: SeTokenStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("unknown status `{}`", self.status)))?,
            last_error: self.last_error,
            connected_at: self.connected_at,
        })
    }
}

fn parse_rows(rows: Vec<TokenRow>) -> Result<Vec<SeTokenRecord>, StoreError> {
    rows.into_iter().map(TokenRow::parse).collect()
}

/// Rows ordered by account, gathered into one entry per account.
fn group_by_account(records: Vec<SeTokenRecord>) -> Vec<(Uuid, Vec<SeTokenRecord>)> {
    let mut grouped: Vec<(Uuid, Vec<SeTokenRecord>)> = Vec::new();
    for record in records {
        match grouped.last_mut() {
            Some((account, tokens)) if *account == record.account_id => tokens.push(record),
            _ => grouped.push((record.account_id, vec![record])),
        }
    }
    grouped
}

/// Implements [`SeTokenStore`] for a backend with a `pool` field.
macro_rules! impl_se_token_store {
    ($store:ty) => {
        #[async_trait]
        impl SeTokenStore for $store {
            async fn list_tokens(
                &self,
                account_id: Uuid,
            ) -> Result<Vec<SeTokenRecord>, StoreError> {
                let sql = format!(
                    "SELECT {COLUMNS} FROM se_tokens WHERE account_id = $1 ORDER BY platform"
                );
                let rows = sqlx::query_as(&sql)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?;
                parse_rows(rows)
            }

            async fn upsert_token(
                &self,
                record: &SeTokenRecord,
            ) -> Result<SeTokenRecord, StoreError> {
                let sql = format!("{UPSERT} RETURNING {COLUMNS}");
                let row: TokenRow = sqlx::query_as(&sql)
                    .bind(record.id)
                    .bind(record.account_id)
                    .bind(record.platform.as_str())
                    .bind(&record.token)
                    .bind(&record.label)
                    .bind(record.created_at)
                    .bind(record.updated_at)
                    .fetch_one(&self.pool)
                    .await?;
                row.parse()
            }

            async fn delete_token(
                &self,
                account_id: Uuid,
                id: Uuid,
            ) -> Result<Option<SeTokenRecord>, StoreError> {
                let sql = format!(
                    "DELETE FROM se_tokens WHERE id = $1 AND account_id = $2 RETURNING {COLUMNS}"
                );
                let row: Option<TokenRow> = sqlx::query_as(&sql)
                    .bind(id)
                    .bind(account_id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(TokenRow::parse).transpose()
            }

            async fn has_tokens(&self, account_id: Uuid) -> Result<bool, StoreError> {
                let found: Option<(i32,)> =
                    sqlx::query_as("SELECT 1 FROM se_tokens WHERE account_id = $1 LIMIT 1")
                        .bind(account_id)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(found.is_some())
            }

            async fn list_all_accounts_with_tokens(
                &self,
            ) -> Result<Vec<(Uuid, Vec<SeTokenRecord>)>, StoreError> {
                let sql =
                    format!("SELECT {COLUMNS} FROM se_tokens ORDER BY account_id, platform");
                let rows = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                Ok(group_by_account(parse_rows(rows)?))
            }

            async fn report_token_status(&self, report: &SeTokenReport) -> Result<(), StoreError> {
                sqlx::query(REPORT)
                    .bind(report.id)
                    .bind(report.updated_at)
                    .bind(report.status.as_str())
                    .bind(&report.last_error)
                    .bind(report.connected_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn claim_worker_lease(
                &self,
                account_id: Uuid,
                holder: &str,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(CLAIM)
                    .bind(account_id)
                    .bind(holder)
                    .bind(now)
                    .bind(until)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn release_worker_lease(
                &self,
                account_id: Uuid,
                holder: &str,
            ) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM se_worker_leases WHERE account_id = $1 AND holder = $2")
                    .bind(account_id)
                    .bind(holder)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

impl_se_token_store!(SqliteStore);
impl_se_token_store!(PostgresStore);
