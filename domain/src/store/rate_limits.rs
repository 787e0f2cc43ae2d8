//! Rate-limit state, kept in the database so a limit holds across every app instance on it.

use async_trait::async_trait;

use super::{execute_with, PostgresStore, SqliteStore, StoreError};

#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// One request against the GCRA `limit` on `key` at `now_ms` (Unix milliseconds). `None`
    /// when the request is allowed, else the milliseconds until one would be. Atomic, so the
    /// limit holds across every app instance on the database.
    async fn rate_limit_hit(
        &self,
        key: &str,
        now_ms: i64,
        limit: Gcra,
    ) -> Result<Option<i64>, StoreError>;

    /// Forgets keys whose allowance is full again at `now_ms`; returns how many.
    async fn prune_rate_limits(&self, now_ms: i64) -> Result<u64, StoreError>;
}

/// A GCRA limit: one request per `interval_ms` on average, at most `window_ms / interval_ms`
/// at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gcra {
    pub interval_ms: i64,
    pub window_ms: i64,
}

/// GCRA in one statement: the key's theoretical arrival time moves on by one interval unless
/// that would put it beyond the window ahead of now (then nothing changes and no row returns).
const RATE_LIMIT_HIT: &str = "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3) \
    ON CONFLICT (key) DO UPDATE \
    SET tat = (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 \
    WHERE (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 <= $2 + $4 \
    RETURNING tat";

const SELECT_RATE_LIMIT: &str = "SELECT tat FROM rate_limits WHERE key = $1";

const PRUNE_RATE_LIMITS: &str = "DELETE FROM rate_limits WHERE tat <= $1";

/// The wait (at least a millisecond) after a refused hit, from the key's theoretical arrival
/// time `tat` (none if the key was pruned meanwhile).
fn wait_ms(tat: Option<i64>, now_ms: i64, limit: Gcra) -> i64 {
    let next = tat.unwrap_or(now_ms).max(now_ms) + limit.interval_ms - limit.window_ms;
    (next - now_ms).max(1)
}

/// Implements [`RateLimitStore`] for a backend with a `pool` field.
macro_rules! impl_rate_limit_store {
    ($store:ty) => {
        #[async_trait]
        impl RateLimitStore for $store {
            async fn rate_limit_hit(
                &self,
                key: &str,
                now_ms: i64,
                limit: Gcra,
            ) -> Result<Option<i64>, StoreError> {
                let allowed: Option<i64> = sqlx::query_scalar(RATE_LIMIT_HIT)
                    .bind(key)
                    .bind(now_ms)
                    .bind(limit.interval_ms)
                    .bind(limit.window_ms)
                    .fetch_optional(&self.pool)
                    .await?;
                if allowed.is_some() {
                    return Ok(None);
                }
                let tat: Option<i64> = sqlx::query_scalar(SELECT_RATE_LIMIT)
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(Some(wait_ms(tat, now_ms, limit)))
            }

            async fn prune_rate_limits(&self, now_ms: i64) -> Result<u64, StoreError> {
                let pruned = execute_with(&self.pool, PRUNE_RATE_LIMITS, now_ms).await?;
                Ok(pruned.rows_affected())
            }
        }
    };
}

impl_rate_limit_store!(SqliteStore);
impl_rate_limit_store!(PostgresStore);
