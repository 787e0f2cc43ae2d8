//! Tips the StreamElements workers received, each stored once per account (SE's `_id`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use uuid::Uuid;

use super::{PostgresStore, SqliteStore, StoreError};
use crate::model::{ReceivedTip, SePlatform, Tip, TipQuery, TipTotal};

#[async_trait]
pub trait TipStore: Send + Sync {
    /// Stores the tip as `id` received at `received_at`; `false` when the account already has
    /// a tip with its `_id` (a replay), which is left as it was.
    async fn insert_tip(
        &self,
        id: Uuid,
        tip: &ReceivedTip,
        received_at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// An account's tips, newest first.
    async fn list_tips(&self, account_id: Uuid, query: &TipQuery) -> Result<Vec<Tip>, StoreError>;
    /// Tips received at or after `after` (oldest first, at most `limit`), with when each
    /// arrived: what a live feed has not shown yet (it drops those it showed at `after`).
    async fn tips_received_after(
        &self,
        account_id: Uuid,
        after: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(Tip, DateTime<Utc>)>, StoreError>;
    /// Sums per currency of the tips made from `from` on.
    async fn tip_totals(
        &self,
        account_id: Uuid,
        from: DateTime<Utc>,
    ) -> Result<Vec<TipTotal>, StoreError>;
}

// Amounts are NUMERIC on PostgreSQL and text on SQLite; both read them as a double.
const COLUMNS: &str = "id, platform, username, CAST(amount AS DOUBLE PRECISION) AS amount, \
    currency, message, created_at";

const INSERT: &str = "INSERT INTO tips (id, account_id, platform, se_id, username, amount, \
    currency, message, provider, status, created_at, received_at, raw) \
    VALUES ($1, $2, $3, $4, $5, CAST($6 AS NUMERIC), $7, $8, $9, $10, $11, $12, $13) \
    ON CONFLICT (account_id, se_id) DO NOTHING";

const TOTALS: &str = "SELECT currency, CAST(SUM(amount) AS DOUBLE PRECISION) AS amount, \
    COUNT(*) AS count FROM tips WHERE account_id = $1 AND created_at >= $2 \
    GROUP BY currency ORDER BY currency";

#[derive(sqlx::FromRow)]
struct TipRow {
    id: Uuid,
    platform: String,
    username: String,
    amount: f64,
    currency: String,
    message: String,
    created_at: DateTime<Utc>,
}

impl TipRow {
    fn parse(self) -> Result<Tip, StoreError> {
        let platform = SePlatform::parse(&self.platform).ok_or_else(|| {
            let what = format!("unknown platform `{}`", self.platform);
            StoreError::Database(sqlx::Error::Decode(what.into()))
        })?;
        Ok(Tip {
            id: self.id,
            platform,
            username: self.username,
            amount: self.amount,
            currency: self.currency,
            message: self.message,
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ArrivedRow {
    #[sqlx(flatten)]
    tip: TipRow,
    received_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct TotalRow {
    currency: String,
    amount: f64,
    count: i64,
}

/// Implements [`TipStore`] for a backend with a `pool` field.
macro_rules! impl_tip_store {
    ($store:ty) => {
        #[async_trait]
        impl TipStore for $store {
            async fn insert_tip(
                &self,
                id: Uuid,
                tip: &ReceivedTip,
                received_at: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(INSERT)
                    .bind(id)
                    .bind(tip.account_id)
                    .bind(tip.platform.as_str())
                    .bind(&tip.se_id)
                    .bind(&tip.username)
                    .bind(tip.amount)
                    .bind(&tip.currency)
                    .bind(&tip.message)
                    .bind(&tip.provider)
                    .bind(&tip.status)
                    .bind(tip.created_at)
                    .bind(received_at)
                    .bind(&tip.raw)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn list_tips(
                &self,
                account_id: Uuid,
                query: &TipQuery,
            ) -> Result<Vec<Tip>, StoreError> {
                let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM tips WHERE "));
                qb.push("account_id = ").push_bind(account_id);
                if let Some(since) = query.since {
                    qb.push(" AND created_at > ").push_bind(since);
                }
                if let Some(before) = query.before {
                    qb.push(" AND created_at < ").push_bind(before);
                }
                if let Some(platform) = query.platform {
                    qb.push(" AND platform = ").push_bind(platform.as_str());
                }
                qb.push(" ORDER BY created_at DESC, id LIMIT ")
                    .push_bind(i64::from(query.limit));
                let rows: Vec<TipRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map(TipRow::parse).collect()
            }

            async fn tips_received_after(
                &self,
                account_id: Uuid,
                after: DateTime<Utc>,
                limit: u32,
            ) -> Result<Vec<(Tip, DateTime<Utc>)>, StoreError> {
                let sql = format!(
                    "SELECT {COLUMNS}, received_at FROM tips \
                     WHERE account_id = $1 AND received_at >= $2 \
                     ORDER BY received_at, id LIMIT $3"
                );
                let rows: Vec<ArrivedRow> = sqlx::query_as(&sql)
                    .bind(account_id)
                    .bind(after)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|row| Ok((row.tip.parse()?, row.received_at)))
                    .collect()
            }

            async fn tip_totals(
                &self,
                account_id: Uuid,
                from: DateTime<Utc>,
            ) -> Result<Vec<TipTotal>, StoreError> {
                let rows: Vec<TotalRow> = sqlx::query_as(TOTALS)
                    .bind(account_id)
                    .bind(from)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|row| TipTotal {
                        currency: row.currency,
                        amount: row.amount,
                        count: u32::try_from(row.count).unwrap_or(u32::MAX),
                    })
                    .collect())
            }
        }
    };
}

impl_tip_store!(SqliteStore);
impl_tip_store!(PostgresStore);
