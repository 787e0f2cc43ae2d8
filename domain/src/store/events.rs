//! Events: their rows, listings (with code counts) and the dashboard counts.

use std::sync::LazyLock;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{query::Query, Database, Encode, QueryBuilder, Type};
use uuid::Uuid;

use super::{
    access_changes::{insert_access_change, log_session_end},
    contains_pattern, push_scoped_from,
    quotas::{COUNT_EVENTS, LOCK_ACCOUNT},
    PostgresStore, QuotaCheck, SqliteStore, StoreError,
};
use crate::model::{
    AccessChange, DashboardStats, Event, EventCounts, EventQuery, EventSummary, QuotaMetric,
    SessionEndReason,
};

#[async_trait]
pub trait EventStore: Send + Sync {
    /// Inserts an event; with a `quota`, in one transaction that takes the account's lock and
    /// refuses ([`StoreError::OverQuota`]) when the account has as many events as it allows.
    async fn insert_event(
        &self,
        event: &Event,
        quota: Option<QuotaCheck>,
    ) -> Result<(), StoreError>;
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
    /// Stores every field of `event`; with `codes_expire_at`, moves its codes' expiry there,
    /// logs `change` (a switch on or off), and, unless the event is public, ends its public
    /// sessions (unpublished), in the same transaction. Returns the sessions' ends.
    async fn update_event(
        &self,
        event: &Event,
        codes_expire_at: Option<DateTime<Utc>>,
        change: Option<&AccessChange>,
    ) -> Result<Vec<AccessChange>, StoreError>;
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
}

/// Its first twelve parameters are [`UPDATE_EVENT`]'s (see [`bind_event`]).
const INSERT_EVENT: &str = "INSERT INTO events \
    (id, title, description, stream_url, poster_url, starts_at, ends_at, access_window_hours, \
     is_active, is_archived, public_playback, tip_alerts, created_at, updated_at, account_id) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

const EVENT_COLUMNS: &str = "id, account_id, title, description, stream_url, poster_url, \
    starts_at, ends_at, access_window_hours, is_active, is_archived, public_playback, \
    tip_alerts, created_at, updated_at";

static SELECT_EVENT_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1"));

/// With `$1` NULL, every account's events.
static SELECT_EVENTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE $1 IS NULL OR account_id = $1 \
         ORDER BY starts_at, id"
    )
});

/// Whole-event updates (PUT, activate, archive); `updated_at` is `$13`.
const UPDATE_EVENT: &str = "UPDATE events SET title = $2, description = $3, \
    stream_url = $4, poster_url = $5, starts_at = $6, ends_at = $7, access_window_hours = $8, \
    is_active = $9, is_archived = $10, public_playback = $11, tip_alerts = $12, \
    updated_at = $13 WHERE id = $1";

/// An event that is not public keeps no public sessions.
const END_PUBLIC_SESSIONS: &str = "UPDATE playback_sessions \
    SET ended_at = $2, end_reason = 'unpublished' \
    WHERE event_id = $1 AND code_id IS NULL AND ended_at IS NULL RETURNING id";

/// Code sessions go with their codes; public ones have no code to go with.
const DELETE_PUBLIC_SESSIONS: &str =
    "DELETE FROM playback_sessions WHERE event_id = $1 AND code_id IS NULL";

/// A code's expiry follows its event's `endsAt + accessWindowHours`.
const UPDATE_EVENT_CODES_EXPIRY: &str =
    "UPDATE access_codes SET expires_at = $2 WHERE event_id = $1";

const DELETE_EVENT: &str = "DELETE FROM events WHERE id = $1";

/// With `$1` NULL, every account's events. Active means active and not archived.
const SELECT_EVENT_STATS: &str = "SELECT COUNT(*), \
    COALESCE(SUM(CASE WHEN is_active AND NOT is_archived THEN 1 ELSE 0 END), 0) \
    FROM events WHERE $1 IS NULL OR account_id = $1";

const SELECT_CODE_STATS: &str = "SELECT COUNT(*), COUNT(c.redeemed_at) \
    FROM access_codes c JOIN events e ON e.id = c.event_id \
    WHERE $1 IS NULL OR e.account_id = $1";

/// With `$1` NULL, every account's sessions.
const COUNT_LIVE_SESSIONS: &str = "SELECT COUNT(*) FROM playback_sessions s \
    JOIN events e ON e.id = s.event_id \
    WHERE s.ended_at IS NULL AND s.last_seen_at > $2 AND ($1 IS NULL OR e.account_id = $1)";

/// A statement with some of its parameters bound.
type BoundQuery<'q, DB> = Query<'q, DB, <DB as Database>::Arguments<'q>>;

/// Binds `$1`…`$12` of [`INSERT_EVENT`] and [`UPDATE_EVENT`], the fields both write alike.
fn bind_event<'q, DB: Database>(query: BoundQuery<'q, DB>, event: &'q Event) -> BoundQuery<'q, DB>
where
    Uuid: Encode<'q, DB> + Type<DB>,
    String: Encode<'q, DB> + Type<DB>,
    Option<String>: Encode<'q, DB> + Type<DB>,
    DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    i32: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
{
    query
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
        .bind(event.public_playback)
        .bind(event.tip_alerts)
}

/// Appends the `FROM … WHERE …` of an events listing.
fn push_event_filter<'a, DB: Database>(
    qb: &mut QueryBuilder<'a, DB>,
    scope: Option<Uuid>,
    query: &EventQuery,
) where
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
{
    push_scoped_from(qb, " FROM events e WHERE TRUE", scope);
    if let Some(active) = query.is_active {
        qb.push(" AND e.is_active = ").push_bind(active);
    }
    if let Some(archived) = query.is_archived {
        qb.push(" AND e.is_archived = ").push_bind(archived);
    }
    if let Some(search) = query.search.as_deref() {
        qb.push(" AND LOWER(e.title) LIKE ")
            .push_bind(contains_pattern(search))
            .push(" ESCAPE '\\'");
    }
}

/// A page of events with their code counts, the latest start first.
fn event_summary_page<'a, DB: Database>(
    scope: Option<Uuid>,
    query: &EventQuery,
) -> QueryBuilder<'a, DB>
where
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut qb = QueryBuilder::new(
        "SELECT e.id, e.account_id, e.title, e.description, e.stream_url, e.poster_url, \
         e.starts_at, e.ends_at, e.access_window_hours, e.is_active, e.is_archived, \
         e.public_playback, e.tip_alerts, e.created_at, e.updated_at, \
         (SELECT COUNT(*) FROM access_codes c WHERE c.event_id = e.id) AS tokens",
    );
    push_event_filter(&mut qb, scope, query);
    qb.push(" ORDER BY e.starts_at DESC, e.id LIMIT ")
        .push_bind(i64::from(query.page.limit))
        .push(" OFFSET ")
        .push_bind(i64::from(query.page.offset));
    qb
}

/// An event row with its code count.
#[derive(sqlx::FromRow)]
struct EventSummaryRow {
    #[sqlx(flatten)]
    event: Event,
    /// The column keeps seed 002's name for the count.
    tokens: i64,
}

impl From<EventSummaryRow> for EventSummary {
    fn from(row: EventSummaryRow) -> Self {
        EventSummary {
            event: row.event,
            count: EventCounts { codes: row.tokens },
        }
    }
}

/// Implements [`EventStore`] for a backend with a `pool` field.
macro_rules! impl_event_store {
    ($store:ty) => {
        #[async_trait]
        impl EventStore for $store {
            async fn insert_event(
                &self,
                event: &Event,
                quota: Option<QuotaCheck>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                if let Some(quota) = quota {
                    let lock = sqlx::query(LOCK_ACCOUNT).bind(quota.account_id);
                    lock.execute(&mut *tx).await?;
                    let count = sqlx::query_scalar(COUNT_EVENTS).bind(quota.account_id);
                    let used: i64 = count.fetch_one(&mut *tx).await?;
                    quota.admit(QuotaMetric::Events, used, 1)?;
                }
                bind_event(sqlx::query(INSERT_EVENT), event)
                    .bind(event.created_at)
                    .bind(event.updated_at)
                    .bind(event.account_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_event(&self, id: Uuid) -> Result<Option<Event>, StoreError> {
                let event = sqlx::query_as(&SELECT_EVENT_BY_ID).bind(id);
                Ok(event.fetch_optional(&self.pool).await?)
            }

            async fn list_events(
                &self,
                account_id: Option<Uuid>,
            ) -> Result<Vec<Event>, StoreError> {
                let events = sqlx::query_as(&SELECT_EVENTS).bind(account_id);
                Ok(events.fetch_all(&self.pool).await?)
            }

            async fn list_event_summaries(
                &self,
                account_id: Option<Uuid>,
                query: &EventQuery,
            ) -> Result<(Vec<EventSummary>, i64), StoreError> {
                let mut page = event_summary_page(account_id, query);
                let mut count = QueryBuilder::new("SELECT COUNT(*)");
                push_event_filter(&mut count, account_id, query);
                let rows: Vec<EventSummaryRow> =
                    page.build_query_as().fetch_all(&self.pool).await?;
                let total = count.build_query_scalar().fetch_one(&self.pool).await?;
                Ok((rows.into_iter().map(Into::into).collect(), total))
            }

            async fn update_event(
                &self,
                event: &Event,
                codes_expire_at: Option<DateTime<Utc>>,
                change: Option<&AccessChange>,
            ) -> Result<Vec<AccessChange>, StoreError> {
                let mut tx = self.pool.begin().await?;
                bind_event(sqlx::query(UPDATE_EVENT), event)
                    .bind(event.updated_at)
                    .execute(&mut *tx)
                    .await?;
                if let Some(expires_at) = codes_expire_at {
                    sqlx::query(UPDATE_EVENT_CODES_EXPIRY)
                        .bind(event.id)
                        .bind(expires_at)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(change) = change {
                    insert_access_change(&mut *tx, change).await?;
                }
                let mut ended = Vec::new();
                if !event.public_playback {
                    let sessions: Vec<Uuid> = sqlx::query_scalar(END_PUBLIC_SESSIONS)
                        .bind(event.id)
                        .bind(event.updated_at)
                        .fetch_all(&mut *tx)
                        .await?;
                    let reason = SessionEndReason::Unpublished;
                    for session in sessions {
                        let end = log_session_end(&mut *tx, session, event.updated_at, reason);
                        ended.extend(end.await?);
                    }
                }
                tx.commit().await?;
                Ok(ended)
            }

            async fn delete_event(&self, change: &AccessChange) -> Result<bool, StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(DELETE_PUBLIC_SESSIONS)
                    .bind(change.event_id)
                    .execute(&mut *tx)
                    .await?;
                let deleted = sqlx::query(DELETE_EVENT)
                    .bind(change.event_id)
                    .execute(&mut *tx)
                    .await?;
                if deleted.rows_affected() != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                insert_access_change(&mut *tx, change).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn dashboard_stats(
                &self,
                account_id: Option<Uuid>,
                live_since: DateTime<Utc>,
            ) -> Result<DashboardStats, StoreError> {
                let events = sqlx::query_as(SELECT_EVENT_STATS).bind(account_id);
                let (total_events, active_events) = events.fetch_one(&self.pool).await?;
                let codes = sqlx::query_as(SELECT_CODE_STATS).bind(account_id);
                let (total_codes, redeemed_codes) = codes.fetch_one(&self.pool).await?;
                let viewers = sqlx::query_scalar(COUNT_LIVE_SESSIONS)
                    .bind(account_id)
                    .bind(live_since);
                Ok(DashboardStats {
                    total_events,
                    active_events,
                    total_codes,
                    redeemed_codes,
                    active_viewers: viewers.fetch_one(&self.pool).await?,
                })
            }
        }
    };
}

impl_event_store!(SqliteStore);
impl_event_store!(PostgresStore);
