//! Storage for watching: playback sessions (one live session per code), the access-change log
//! behind the revocation feed, and rate-limit state. Written once for both backends, as
//! `sql.rs` is.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::model::{AccessChange, AccessChangeKind, SessionEndReason};

/// A device asking to become the code's one live session.
#[derive(Clone, Debug)]
pub struct SessionClaim {
    pub session_id: Uuid,
    pub code_id: Uuid,
    pub event_id: Uuid,
    pub ip: Option<String>,
    pub now: DateTime<Utc>,
    /// Sessions last seen at or before this moment have timed out and may be superseded.
    pub live_since: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The session is the code's device now; `superseded` is the timed-out session it replaced.
    Claimed { superseded: Option<AccessChange> },
    /// Another session is live.
    InUse,
    /// The code was revoked while the claim was being made.
    CodeRevoked,
}

#[async_trait]
pub trait PlaybackStore: Send + Sync {
    /// The code `code` (exact, case-sensitive).
    async fn find_code_by_code(
        &self,
        code: &str,
    ) -> Result<Option<crate::model::AccessCode>, StoreError>;

    /// Makes a new session the code's one live session, atomically: a timed-out session is
    /// ended (superseded), a live one wins. The first claim also marks the code redeemed.
    async fn claim_session(&self, claim: &SessionClaim) -> Result<ClaimOutcome, StoreError>;

    /// Records a heartbeat; `false` when the session has ended or timed out.
    async fn touch_session(
        &self,
        session_id: Uuid,
        now: DateTime<Utc>,
        live_since: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Ends a session that has not ended yet, logging the change; `None` if it had.
    async fn end_session(
        &self,
        session_id: Uuid,
        reason: SessionEndReason,
        now: DateTime<Utc>,
    ) -> Result<Option<AccessChange>, StoreError>;

    /// Ends every session last seen at or before `live_since`, logging each.
    async fn end_timed_out_sessions(
        &self,
        live_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccessChange>, StoreError>;

    /// The access-change log after `since`, oldest first.
    async fn access_changes_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<AccessChange>, StoreError>;

    /// `(event id, code)` for every code of the listed events.
    async fn codes_of_events(&self, event_ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError>;

    /// Removes log entries older than `before`; returns how many.
    async fn prune_access_changes(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// One request against a GCRA limit on `key` at `now_ms` (Unix milliseconds): one request
    /// per `interval_ms` on average, at most `window_ms / interval_ms` at once. `None` when the
    /// request is allowed, else the milliseconds until one would be. Atomic, so the limit holds
    /// across every app instance on the database.
    async fn rate_limit_hit(
        &self,
        key: &str,
        now_ms: i64,
        interval_ms: i64,
        window_ms: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// Forgets keys whose allowance is full again at `now_ms`; returns how many.
    async fn prune_rate_limits(&self, now_ms: i64) -> Result<u64, StoreError>;
}

pub(super) const INSERT_ACCESS_CHANGE: &str = "INSERT INTO access_changes \
    (changed_at, kind, event_id, code, session_id) VALUES ($1, $2, $3, $4, $5)";

const ACCESS_CHANGE_COLUMNS: &str = "changed_at, kind, event_id, code, session_id";

pub(super) fn select_code_by_code() -> String {
    format!(
        "SELECT {} FROM access_codes c WHERE c.code = $1",
        super::sql::CODE_COLUMNS
    )
}

pub(super) const END_STALE_SESSION: &str = "UPDATE playback_sessions \
    SET ended_at = $2, end_reason = 'superseded' \
    WHERE code_id = $1 AND ended_at IS NULL AND last_seen_at <= $3 RETURNING id";

/// Lets the insert through only when no session of the code is open (unique partial index).
pub(super) const INSERT_SESSION: &str = "INSERT INTO playback_sessions \
    (id, code_id, event_id, started_at, last_seen_at, ip) VALUES ($1, $2, $3, $4, $4, $5) \
    ON CONFLICT DO NOTHING RETURNING id";

/// The first redemption is remembered; later ones leave it.
pub(super) const REDEEM_CODE: &str = "UPDATE access_codes \
    SET redeemed_ip = CASE WHEN redeemed_at IS NULL THEN $3 ELSE redeemed_ip END, \
        redeemed_at = COALESCE(redeemed_at, $2) \
    WHERE id = $1 AND NOT is_revoked";

pub(super) fn insert_session_end() -> String {
    format!(
        "INSERT INTO access_changes ({ACCESS_CHANGE_COLUMNS}) \
         SELECT $2, $3, s.event_id, c.code, s.id \
         FROM playback_sessions s JOIN access_codes c ON c.id = s.code_id WHERE s.id = $1 \
         RETURNING {ACCESS_CHANGE_COLUMNS}"
    )
}

pub(super) const TOUCH_SESSION: &str = "UPDATE playback_sessions SET last_seen_at = $2 \
    WHERE id = $1 AND ended_at IS NULL AND last_seen_at > $3";

pub(super) const END_SESSION: &str = "UPDATE playback_sessions \
    SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL";

pub(super) const END_TIMED_OUT_SESSIONS: &str = "UPDATE playback_sessions \
    SET ended_at = $1, end_reason = 'timed_out' \
    WHERE ended_at IS NULL AND last_seen_at <= $2 RETURNING id";

/// With `$1` NULL, every account's sessions.
pub(super) const COUNT_LIVE_SESSIONS: &str = "SELECT COUNT(*) FROM playback_sessions s \
    JOIN events e ON e.id = s.event_id \
    WHERE s.ended_at IS NULL AND s.last_seen_at > $2 AND ($1 IS NULL OR e.account_id = $1)";

pub(super) fn select_access_changes_since() -> String {
    format!("SELECT {ACCESS_CHANGE_COLUMNS} FROM access_changes WHERE changed_at > $1 ORDER BY seq")
}

pub(super) const PRUNE_ACCESS_CHANGES: &str = "DELETE FROM access_changes WHERE changed_at < $1";

/// GCRA in one statement: the key's theoretical arrival time moves on by one interval unless
/// that would put it beyond the window ahead of now (then nothing changes and no row returns).
pub(super) const RATE_LIMIT_HIT: &str = "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3) \
    ON CONFLICT (key) DO UPDATE \
    SET tat = (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 \
    WHERE (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 <= $2 + $4 \
    RETURNING tat";

pub(super) const SELECT_RATE_LIMIT: &str = "SELECT tat FROM rate_limits WHERE key = $1";

pub(super) const PRUNE_RATE_LIMITS: &str = "DELETE FROM rate_limits WHERE tat <= $1";

/// An `access_changes` row.
#[derive(sqlx::FromRow)]
pub(super) struct AccessChangeRow {
    changed_at: DateTime<Utc>,
    kind: String,
    event_id: Uuid,
    code: Option<String>,
    session_id: Option<Uuid>,
}

impl AccessChangeRow {
    /// The change, or `None` (logged) for a kind this version does not know.
    pub(super) fn into_change(self) -> Option<AccessChange> {
        let kind = AccessChangeKind::from_parts(&self.kind, self.code, self.session_id);
        if kind.is_none() {
            tracing::warn!(kind = %self.kind, "unknown access change ignored");
        }
        Some(AccessChange {
            at: self.changed_at,
            event_id: self.event_id,
            kind: kind?,
        })
    }
}

/// Binds and runs [`INSERT_ACCESS_CHANGE`] for `$change` on the executor `$exec`.
macro_rules! insert_access_change {
    ($exec:expr, $change:expr) => {{
        let change: &$crate::model::AccessChange = $change;
        sqlx::query($crate::store::playback::INSERT_ACCESS_CHANGE)
            .bind(change.at)
            .bind(change.kind.as_str())
            .bind(change.event_id)
            .bind(change.kind.code())
            .bind(change.kind.session_id())
            .execute($exec)
            .await?;
    }};
}

pub(super) use insert_access_change;

/// Logs the end of the session `$id` at `$now` for `$reason` inside the transaction `$tx`;
/// evaluates to the change.
macro_rules! log_session_end {
    ($tx:ident, $id:expr, $now:expr, $reason:expr) => {{
        let reason: $crate::model::SessionEndReason = $reason;
        let row: $crate::store::playback::AccessChangeRow =
            sqlx::query_as(&$crate::store::playback::insert_session_end())
                .bind($id)
                .bind($now)
                .bind(reason.change_kind())
                .fetch_one(&mut *$tx)
                .await?;
        row.into_change()
    }};
}

pub(super) use log_session_end;

/// Implements [`PlaybackStore`] for a store with a `pool` field.
macro_rules! impl_playback_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::PlaybackStore for $store {
            async fn find_code_by_code(
                &self,
                code: &str,
            ) -> Result<Option<$crate::model::AccessCode>, $crate::store::StoreError> {
                Ok(
                    sqlx::query_as(&$crate::store::playback::select_code_by_code())
                        .bind(code)
                        .fetch_optional(&self.pool)
                        .await?,
                )
            }

            async fn claim_session(
                &self,
                claim: &$crate::store::SessionClaim,
            ) -> Result<$crate::store::ClaimOutcome, $crate::store::StoreError> {
                use $crate::store::{playback as sql, ClaimOutcome};
                // The first statement writes, so SQLite takes its write lock before reading and
                // concurrent claims queue instead of failing on a stale snapshot.
                let mut tx = self.pool.begin().await?;
                let stale: Option<uuid::Uuid> = sqlx::query_scalar(sql::END_STALE_SESSION)
                    .bind(claim.code_id)
                    .bind(claim.now)
                    .bind(claim.live_since)
                    .fetch_optional(&mut *tx)
                    .await?;
                let inserted: Option<uuid::Uuid> = sqlx::query_scalar(sql::INSERT_SESSION)
                    .bind(claim.session_id)
                    .bind(claim.code_id)
                    .bind(claim.event_id)
                    .bind(claim.now)
                    .bind(&claim.ip)
                    .fetch_optional(&mut *tx)
                    .await?;
                if inserted.is_none() {
                    tx.rollback().await?;
                    return Ok(ClaimOutcome::InUse);
                }
                let redeemed = sqlx::query(sql::REDEEM_CODE)
                    .bind(claim.code_id)
                    .bind(claim.now)
                    .bind(&claim.ip)
                    .execute(&mut *tx)
                    .await?;
                if redeemed.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(ClaimOutcome::CodeRevoked);
                }
                let superseded = match stale {
                    Some(stale) => {
                        let reason = $crate::model::SessionEndReason::Superseded;
                        sql::log_session_end!(tx, stale, claim.now, reason)
                    }
                    None => None,
                };
                tx.commit().await?;
                Ok(ClaimOutcome::Claimed { superseded })
            }

            async fn touch_session(
                &self,
                session_id: uuid::Uuid,
                now: chrono::DateTime<chrono::Utc>,
                live_since: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, $crate::store::StoreError> {
                Ok(sqlx::query($crate::store::playback::TOUCH_SESSION)
                    .bind(session_id)
                    .bind(now)
                    .bind(live_since)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            async fn end_session(
                &self,
                session_id: uuid::Uuid,
                reason: $crate::model::SessionEndReason,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<$crate::model::AccessChange>, $crate::store::StoreError> {
                use $crate::store::playback as sql;
                let mut tx = self.pool.begin().await?;
                let ended = sqlx::query(sql::END_SESSION)
                    .bind(session_id)
                    .bind(now)
                    .bind(reason.as_str())
                    .execute(&mut *tx)
                    .await?;
                if ended.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(None);
                }
                let change = sql::log_session_end!(tx, session_id, now, reason);
                tx.commit().await?;
                Ok(change)
            }

            async fn end_timed_out_sessions(
                &self,
                live_since: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<$crate::model::AccessChange>, $crate::store::StoreError> {
                use $crate::store::playback as sql;
                let mut tx = self.pool.begin().await?;
                let ended: Vec<uuid::Uuid> = sqlx::query_scalar(sql::END_TIMED_OUT_SESSIONS)
                    .bind(now)
                    .bind(live_since)
                    .fetch_all(&mut *tx)
                    .await?;
                let mut changes = Vec::with_capacity(ended.len());
                for session_id in ended {
                    let reason = $crate::model::SessionEndReason::TimedOut;
                    changes.extend(sql::log_session_end!(tx, session_id, now, reason));
                }
                tx.commit().await?;
                Ok(changes)
            }

            async fn access_changes_since(
                &self,
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<$crate::model::AccessChange>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::playback::AccessChangeRow> =
                    sqlx::query_as(&$crate::store::playback::select_access_changes_since())
                        .bind(since)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .filter_map(|row| row.into_change())
                    .collect())
            }

            async fn codes_of_events(
                &self,
                event_ids: &[uuid::Uuid],
            ) -> Result<Vec<(uuid::Uuid, String)>, $crate::store::StoreError> {
                if event_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut select = sqlx::QueryBuilder::<$db>::new(
                    "SELECT event_id, code FROM access_codes WHERE event_id IN (",
                );
                let mut list = select.separated(", ");
                for id in event_ids {
                    list.push_bind(*id);
                }
                select.push(") ORDER BY created_at, id");
                Ok(select.build_query_as().fetch_all(&self.pool).await?)
            }

            async fn prune_access_changes(
                &self,
                before: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, $crate::store::StoreError> {
                Ok(sqlx::query($crate::store::playback::PRUNE_ACCESS_CHANGES)
                    .bind(before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            async fn rate_limit_hit(
                &self,
                key: &str,
                now_ms: i64,
                interval_ms: i64,
                window_ms: i64,
            ) -> Result<Option<i64>, $crate::store::StoreError> {
                use $crate::store::playback as sql;
                let allowed: Option<i64> = sqlx::query_scalar(sql::RATE_LIMIT_HIT)
                    .bind(key)
                    .bind(now_ms)
                    .bind(interval_ms)
                    .bind(window_ms)
                    .fetch_optional(&self.pool)
                    .await?;
                if allowed.is_some() {
                    return Ok(None);
                }
                let tat: Option<i64> = sqlx::query_scalar(sql::SELECT_RATE_LIMIT)
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                let next = tat.unwrap_or(now_ms).max(now_ms) + interval_ms - window_ms;
                Ok(Some((next - now_ms).max(1)))
            }

            async fn prune_rate_limits(
                &self,
                now_ms: i64,
            ) -> Result<u64, $crate::store::StoreError> {
                Ok(sqlx::query($crate::store::playback::PRUNE_RATE_LIMITS)
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }
    };
}

pub(super) use impl_playback_store;
