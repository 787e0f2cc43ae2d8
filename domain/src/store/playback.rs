//! Watching: playback sessions (one live session per code; any number, without a code, for a
//! public event). Their ends go to the access-change log (`access_changes.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    access_changes::{
        log_session_end, AccessChangeRow, PRUNE_ACCESS_CHANGES, SELECT_ACCESS_CHANGES_SINCE,
    },
    execute_with,
    quotas::{COUNT_LIVE_SESSIONS, LOCK_ACCOUNT},
    PostgresStore, QuotaCheck, SqliteStore, StoreError,
};
use crate::model::{AccessChange, QuotaExceeded, QuotaMetric, SessionEndReason};

/// A device asking to become the code's one live session, or (without a code) a viewer of a
/// public event asking for a session of its own.
#[derive(Clone, Debug)]
pub struct SessionClaim {
    pub session_id: Uuid,
    /// `None` for a public event's session.
    pub code_id: Option<Uuid>,
    pub event_id: Uuid,
    pub ip: Option<String>,
    pub now: DateTime<Utc>,
    /// Sessions last seen at or before this moment have timed out and may be superseded.
    pub live_since: DateTime<Utc>,
    /// The event's account's viewer quota, when it has one.
    pub viewer_quota: Option<QuotaCheck>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The session is the code's device now; `superseded` is the timed-out session it replaced.
    Claimed { superseded: Option<AccessChange> },
    /// Another session is live.
    InUse,
    /// The code was revoked while the claim was being made.
    CodeRevoked,
    /// A public session's event stopped being public (or active) while the claim was made.
    NotPublic,
    /// The account has as many live viewers as its quota allows (the code's own session,
    /// which the claim replaces, not counted).
    OverQuota(QuotaExceeded),
}

#[async_trait]
pub trait PlaybackStore: Send + Sync {
    /// Makes a new session the code's one live session, atomically: a timed-out session is
    /// ended (superseded), a live one wins. The first claim also marks the code redeemed.
    /// Without a code, opens a session of a public event while it is public and active.
    /// With a viewer quota the account's lock is taken first and the claim is refused when the
    /// account's other live sessions already fill it.
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

    /// Removes log entries older than `before`; returns how many.
    async fn prune_access_changes(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// How many sessions are open and were seen after `live_since` (viewers watching now).
    async fn count_live_sessions(&self, live_since: DateTime<Utc>) -> Result<u64, StoreError>;
}

const END_STALE_SESSION: &str = "UPDATE playback_sessions \
    SET ended_at = $2, end_reason = 'superseded' \
    WHERE code_id = $1 AND ended_at IS NULL AND last_seen_at <= $3 RETURNING id";

/// Lets the insert through only when no session of the code is open (unique partial index).
const INSERT_SESSION: &str = "INSERT INTO playback_sessions \
    (id, code_id, event_id, started_at, last_seen_at, ip) VALUES ($1, $2, $3, $4, $4, $5) \
    ON CONFLICT DO NOTHING RETURNING id";

/// Locks a public event's row while it is public and active, so that an unpublish (which
/// updates the row, then ends its public sessions) either waits for this claim or refuses it.
const HOLD_PUBLIC_EVENT: &str = "UPDATE events SET public_playback = public_playback \
    WHERE id = $1 AND public_playback AND is_active";

/// The first redemption is remembered; later ones leave it.
const REDEEM_CODE: &str = "UPDATE access_codes \
    SET redeemed_ip = CASE WHEN redeemed_at IS NULL THEN $3 ELSE redeemed_ip END, \
        redeemed_at = COALESCE(redeemed_at, $2) \
    WHERE id = $1 AND NOT is_revoked";

const TOUCH_SESSION: &str = "UPDATE playback_sessions SET last_seen_at = $2 \
    WHERE id = $1 AND ended_at IS NULL AND last_seen_at > $3";

const END_SESSION: &str = "UPDATE playback_sessions \
    SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL";

const END_TIMED_OUT_SESSIONS: &str = "UPDATE playback_sessions \
    SET ended_at = $1, end_reason = 'timed_out' \
    WHERE ended_at IS NULL AND last_seen_at <= $2 RETURNING id";

const COUNT_ALL_LIVE_SESSIONS: &str =
    "SELECT COUNT(*) FROM playback_sessions WHERE ended_at IS NULL AND last_seen_at > $1";

/// Implements [`PlaybackStore`] for a backend with a `pool` field.
macro_rules! impl_playback_store {
    ($store:ty) => {
        #[async_trait]
        impl PlaybackStore for $store {
            async fn claim_session(
                &self,
                claim: &SessionClaim,
            ) -> Result<ClaimOutcome, StoreError> {
                // The first statement writes, so SQLite takes its write lock before reading and
                // concurrent claims queue instead of failing on a stale snapshot.
                let mut tx = self.pool.begin().await?;
                if let Some(quota) = &claim.viewer_quota {
                    let lock = sqlx::query(LOCK_ACCOUNT).bind(quota.account_id);
                    lock.execute(&mut *tx).await?;
                }
                let stale: Option<Uuid> = match claim.code_id {
                    Some(code_id) => {
                        sqlx::query_scalar(END_STALE_SESSION)
                            .bind(code_id)
                            .bind(claim.now)
                            .bind(claim.live_since)
                            .fetch_optional(&mut *tx)
                            .await?
                    }
                    None => {
                        let held = sqlx::query(HOLD_PUBLIC_EVENT)
                            .bind(claim.event_id)
                            .execute(&mut *tx)
                            .await?;
                        if held.rows_affected() == 0 {
                            tx.rollback().await?;
                            return Ok(ClaimOutcome::NotPublic);
                        }
                        None
                    }
                };
                let inserted: Option<Uuid> = sqlx::query_scalar(INSERT_SESSION)
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
                if let Some(quota) = &claim.viewer_quota {
                    let used: i64 = sqlx::query_scalar(COUNT_LIVE_SESSIONS)
                        .bind(quota.account_id)
                        .bind(claim.live_since)
                        .bind(claim.session_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    let metric = QuotaMetric::ConcurrentViewers;
                    if let Some(exceeded) = quota.exceeded(metric, used, 1) {
                        tx.rollback().await?;
                        return Ok(ClaimOutcome::OverQuota(exceeded));
                    }
                }
                if let Some(code_id) = claim.code_id {
                    let redeemed = sqlx::query(REDEEM_CODE)
                        .bind(code_id)
                        .bind(claim.now)
                        .bind(&claim.ip)
                        .execute(&mut *tx)
                        .await?;
                    if redeemed.rows_affected() == 0 {
                        tx.rollback().await?;
                        return Ok(ClaimOutcome::CodeRevoked);
                    }
                }
                let superseded = match stale {
                    Some(stale) => {
                        let reason = SessionEndReason::Superseded;
                        log_session_end(&mut *tx, stale, claim.now, reason).await?
                    }
                    None => None,
                };
                tx.commit().await?;
                Ok(ClaimOutcome::Claimed { superseded })
            }

            async fn touch_session(
                &self,
                session_id: Uuid,
                now: DateTime<Utc>,
                live_since: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let touched = sqlx::query(TOUCH_SESSION)
                    .bind(session_id)
                    .bind(now)
                    .bind(live_since)
                    .execute(&self.pool)
                    .await?;
                Ok(touched.rows_affected() == 1)
            }

            async fn end_session(
                &self,
                session_id: Uuid,
                reason: SessionEndReason,
                now: DateTime<Utc>,
            ) -> Result<Option<AccessChange>, StoreError> {
                let mut tx = self.pool.begin().await?;
                let ended = sqlx::query(END_SESSION)
                    .bind(session_id)
                    .bind(now)
                    .bind(reason.as_str())
                    .execute(&mut *tx)
                    .await?;
                if ended.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(None);
                }
                let change = log_session_end(&mut *tx, session_id, now, reason).await?;
                tx.commit().await?;
                Ok(change)
            }

            async fn end_timed_out_sessions(
                &self,
                live_since: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> Result<Vec<AccessChange>, StoreError> {
                let mut tx = self.pool.begin().await?;
                let ended: Vec<Uuid> = sqlx::query_scalar(END_TIMED_OUT_SESSIONS)
                    .bind(now)
                    .bind(live_since)
                    .fetch_all(&mut *tx)
                    .await?;
                let mut changes = Vec::with_capacity(ended.len());
                for session_id in ended {
                    let reason = SessionEndReason::TimedOut;
                    changes.extend(log_session_end(&mut *tx, session_id, now, reason).await?);
                }
                tx.commit().await?;
                Ok(changes)
            }

            async fn access_changes_since(
                &self,
                since: DateTime<Utc>,
            ) -> Result<Vec<AccessChange>, StoreError> {
                let rows: Vec<AccessChangeRow> = sqlx::query_as(&SELECT_ACCESS_CHANGES_SINCE)
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .filter_map(AccessChangeRow::into_change)
                    .collect())
            }

            async fn prune_access_changes(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
                let pruned = execute_with(&self.pool, PRUNE_ACCESS_CHANGES, before).await?;
                Ok(pruned.rows_affected())
            }

            async fn count_live_sessions(
                &self,
                live_since: DateTime<Utc>,
            ) -> Result<u64, StoreError> {
                let count: i64 = sqlx::query_scalar(COUNT_ALL_LIVE_SESSIONS)
                    .bind(live_since)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(count.max(0) as u64)
            }
        }
    };
}

impl_playback_store!(SqliteStore);
impl_playback_store!(PostgresStore);
