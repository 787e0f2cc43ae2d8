//! The queries both backends run, written once. SQLite and PostgreSQL both accept `$n`
//! placeholders, and sqlx maps our column types (UUID, timestamps, booleans) on both, so one
//! body serves both pools: [`impl_store!`] instantiates it per backend. Queries whose shape
//! depends on filters are built with [`QueryBuilder`], generic over the backend.

use chrono::{DateTime, Utc};
use sqlx::{Database, Encode, QueryBuilder, Type};
use uuid::Uuid;

use crate::model::{CodeQuery, CodeStatus, EventQuery};

pub(super) const INSERT_EVENT: &str = "INSERT INTO events \
    (id, title, description, stream_url, poster_url, starts_at, ends_at, access_window_hours, \
     is_active, is_archived, created_at, updated_at, account_id) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

const EVENT_COLUMNS: &str = "id, account_id, title, description, stream_url, poster_url, \
    starts_at, ends_at, access_window_hours, is_active, is_archived, created_at, updated_at";

pub(super) fn select_event_by_id() -> String {
    format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1")
}

/// With `$1` NULL, every account's events.
pub(super) fn select_events() -> String {
    format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE $1 IS NULL OR account_id = $1 \
         ORDER BY starts_at, id"
    )
}

/// Whole-event updates (PUT, activate, archive); `updated_at` is `$11`.
pub(super) const UPDATE_EVENT: &str = "UPDATE events SET title = $2, description = $3, \
    stream_url = $4, poster_url = $5, starts_at = $6, ends_at = $7, access_window_hours = $8, \
    is_active = $9, is_archived = $10, updated_at = $11 WHERE id = $1";

/// A code's expiry follows its event's `endsAt + accessWindowHours`.
pub(super) const UPDATE_EVENT_CODES_EXPIRY: &str =
    "UPDATE access_codes SET expires_at = $2 WHERE event_id = $1";

pub(super) const DELETE_EVENT: &str = "DELETE FROM events WHERE id = $1";

/// With `$1` NULL, every account's events. Active means active and not archived.
pub(super) const SELECT_EVENT_STATS: &str = "SELECT COUNT(*), \
    COALESCE(SUM(CASE WHEN is_active AND NOT is_archived THEN 1 ELSE 0 END), 0) \
    FROM events WHERE $1 IS NULL OR account_id = $1";

pub(super) const SELECT_CODE_STATS: &str = "SELECT COUNT(*), COUNT(c.redeemed_at) \
    FROM access_codes c JOIN events e ON e.id = c.event_id \
    WHERE $1 IS NULL OR e.account_id = $1";

pub(super) const CODE_COLUMNS: &str =
    "c.id, c.code, c.event_id, c.label, c.is_revoked, c.revoked_at, \
    c.redeemed_at, c.redeemed_ip, c.expires_at, c.created_at";

pub(super) fn select_code_by_id() -> String {
    format!("SELECT {CODE_COLUMNS} FROM access_codes c WHERE c.id = $1")
}

/// Revoking keeps the first revocation time; un-revoking clears it.
/// (SQLite's `RETURNING` takes no table qualifiers, hence the bare column list.)
pub(super) fn update_code_revoked() -> String {
    format!(
        "UPDATE access_codes SET is_revoked = $2, \
         revoked_at = CASE WHEN $2 THEN COALESCE(revoked_at, $3) ELSE NULL END \
         WHERE id = $1 RETURNING {}",
        CODE_COLUMNS.replace("c.", "")
    )
}

pub(super) fn select_event_codes() -> String {
    format!(
        "SELECT {CODE_COLUMNS} FROM access_codes c WHERE c.event_id = $1 \
         ORDER BY c.created_at DESC, c.id DESC"
    )
}

pub(super) const INSERT_CODES: &str = "INSERT INTO access_codes \
    (id, code, event_id, label, is_revoked, expires_at, created_at) ";

/// How often a batch retries the codes that collided with existing ones. With 62^12 possible
/// codes a single collision is already unlikely; needing this many rounds means a broken RNG.
pub(super) const CODE_INSERT_ROUNDS: usize = 5;

/// `LIKE` pattern for "contains `text`", lower-cased, with `%`, `_` and `\` escaped
/// (the queries say `ESCAPE '\'`).
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

/// The keyset of the codes table: newest first, ties broken by id.
pub(super) type CodeKey = (DateTime<Utc>, Uuid);

/// Appends the `FROM … WHERE …` of a codes listing (scope, event, status, search).
pub(super) fn push_code_filter<'a, DB>(
    qb: &mut QueryBuilder<'a, DB>,
    scope: Option<Uuid>,
    query: &CodeQuery,
    now: DateTime<Utc>,
) where
    DB: Database,
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    DateTime<Utc>: Encode<'a, DB> + Type<DB>,
{
    qb.push(" FROM access_codes c JOIN events e ON e.id = c.event_id WHERE TRUE");
    if let Some(account_id) = scope {
        qb.push(" AND e.account_id = ").push_bind(account_id);
    }
    if let Some(event_id) = query.event_id {
        qb.push(" AND c.event_id = ").push_bind(event_id);
    }
    if let Some(status) = query.status {
        match status {
            CodeStatus::Revoked => qb.push(" AND c.is_revoked"),
            CodeStatus::Expired => qb
                .push(" AND NOT c.is_revoked AND c.expires_at <= ")
                .push_bind(now),
            CodeStatus::Redeemed | CodeStatus::Unused => qb
                .push(" AND NOT c.is_revoked AND c.expires_at > ")
                .push_bind(now)
                .push(if status == CodeStatus::Redeemed {
                    " AND c.redeemed_at IS NOT NULL"
                } else {
                    " AND c.redeemed_at IS NULL"
                }),
        };
    }
    if let Some(search) = query.search.as_deref() {
        let pattern = contains_pattern(search);
        qb.push(" AND (LOWER(c.code) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(COALESCE(c.label, '')) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}

/// A page of codes: one more row than the page holds, so the caller knows whether another
/// page follows.
pub(super) fn push_code_page<'a, DB>(
    qb: &mut QueryBuilder<'a, DB>,
    scope: Option<Uuid>,
    query: &CodeQuery,
    after: Option<CodeKey>,
    now: DateTime<Utc>,
) where
    DB: Database,
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    DateTime<Utc>: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    qb.push("SELECT ").push(CODE_COLUMNS);
    push_code_filter(qb, scope, query, now);
    if let Some((created_at, id)) = after {
        qb.push(" AND (c.created_at, c.id) < (")
            .push_bind(created_at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    qb.push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
        .push_bind(i64::from(query.page.limit) + 1);
    if after.is_none() && query.page.offset > 0 {
        qb.push(" OFFSET ").push_bind(i64::from(query.page.offset));
    }
}

/// Appends the `FROM … WHERE …` of an events listing.
pub(super) fn push_event_filter<'a, DB>(
    qb: &mut QueryBuilder<'a, DB>,
    scope: Option<Uuid>,
    query: &EventQuery,
) where
    DB: Database,
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
{
    qb.push(" FROM events e WHERE TRUE");
    if let Some(account_id) = scope {
        qb.push(" AND e.account_id = ").push_bind(account_id);
    }
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

/// Events with their code counts, the latest start first.
pub(super) fn push_event_summary_page<'a, DB>(
    qb: &mut QueryBuilder<'a, DB>,
    scope: Option<Uuid>,
    query: &EventQuery,
) where
    DB: Database,
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    qb.push(
        "SELECT e.id, e.account_id, e.title, e.description, e.stream_url, e.poster_url, \
         e.starts_at, e.ends_at, e.access_window_hours, e.is_active, e.is_archived, \
         e.created_at, e.updated_at, \
         (SELECT COUNT(*) FROM access_codes c WHERE c.event_id = e.id) AS tokens",
    );
    push_event_filter(qb, scope, query);
    qb.push(" ORDER BY e.starts_at DESC, e.id LIMIT ")
        .push_bind(i64::from(query.page.limit))
        .push(" OFFSET ")
        .push_bind(i64::from(query.page.offset));
}

/// An event row with its code count.
#[derive(sqlx::FromRow)]
pub(super) struct EventSummaryRow {
    #[sqlx(flatten)]
    pub event: crate::model::Event,
    pub tokens: i64,
}

impl From<EventSummaryRow> for crate::model::EventSummary {
    fn from(row: EventSummaryRow) -> Self {
        crate::model::EventSummary {
            event: row.event,
            count: crate::model::EventCounts { tokens: row.tokens },
        }
    }
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

/// Members with what never leaves the domain: the password hash and credential changes.
const USER_RECORD_COLUMNS: &str = "u.password_hash, u.credentials_changed_at";

pub(super) fn select_user_by_email() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS}, {USER_RECORD_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE u.email = $1"
    )
}

pub(super) fn select_user_by_id() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS}, {USER_RECORD_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE u.id = $1"
    )
}

pub(super) fn select_members() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS} FROM {USERS_WITH_MEMBERSHIP} \
         WHERE m.account_id = $1 ORDER BY u.created_at, u.id"
    )
}

pub(super) const SELECT_ACCOUNT: &str = "SELECT id, name, created_at FROM accounts WHERE id = $1";

pub(super) const SELECT_ACCOUNTS: &str =
    "SELECT id, name, created_at FROM accounts ORDER BY created_at, id";

pub(super) const UPDATE_ROLE: &str = "UPDATE memberships SET role = $2 WHERE user_id = $1";

/// Deactivating also voids credentials issued so far; reactivating keeps that moment.
pub(super) const UPDATE_USER_ACTIVE: &str = "UPDATE users SET is_active = $2, updated_at = $3, \
    credentials_changed_at = CASE WHEN $2 THEN credentials_changed_at ELSE $3 END WHERE id = $1";

pub(super) const UPDATE_PASSWORD: &str = "UPDATE users \
    SET password_hash = $2, updated_at = $3, credentials_changed_at = $3 WHERE id = $1";

pub(super) const INSERT_AUDIT: &str = "INSERT INTO audit_log \
    (id, account_id, actor, action, target, ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// With `$1` NULL, every account's entries (and platform-level ones).
pub(super) const SELECT_AUDIT: &str =
    "SELECT id, account_id, actor, action, target, ip, created_at FROM audit_log \
    WHERE $1 IS NULL OR account_id = $1 ORDER BY created_at DESC, seq DESC";

pub(super) const SELECT_SETTING: &str = "SELECT value FROM settings WHERE key = $1";

pub(super) const INSERT_SETTING: &str = "INSERT INTO settings (key, value, created_at) \
    VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING";

/// A replaced setting keeps its creation time.
pub(super) const UPSERT_SETTING: &str = "INSERT INTO settings (key, value, created_at) \
    VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

pub(super) const INSERT_SESSION: &str = "INSERT INTO sessions (id, data, expires_at) \
    VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING";

pub(super) const UPSERT_SESSION: &str = "INSERT INTO sessions (id, data, expires_at) \
    VALUES ($1, $2, $3) \
    ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at";

pub(super) const SELECT_SESSION: &str =
    "SELECT data FROM sessions WHERE id = $1 AND expires_at > $2";

pub(super) const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";

pub(super) const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";

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
    ($store:ty, $backend:expr, $db:ty) => {
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
                    .bind(event.account_id)
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
                account_id: Option<uuid::Uuid>,
            ) -> Result<Vec<$crate::model::Event>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_events())
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn list_event_summaries(
                &self,
                account_id: Option<uuid::Uuid>,
                query: &$crate::model::EventQuery,
            ) -> Result<(Vec<$crate::model::EventSummary>, i64), $crate::store::StoreError> {
                let mut page = sqlx::QueryBuilder::<$db>::new("");
                $crate::store::sql::push_event_summary_page(&mut page, account_id, query);
                let rows: Vec<$crate::store::sql::EventSummaryRow> =
                    page.build_query_as().fetch_all(&self.pool).await?;
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*)");
                $crate::store::sql::push_event_filter(&mut count, account_id, query);
                let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
                Ok((rows.into_iter().map(Into::into).collect(), total))
            }

            async fn update_event(
                &self,
                event: &$crate::model::Event,
                codes_expire_at: Option<chrono::DateTime<chrono::Utc>>,
                change: Option<&$crate::model::AccessChange>,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query($crate::store::sql::UPDATE_EVENT)
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
                    .bind(event.updated_at)
                    .execute(&mut *tx)
                    .await?;
                if let Some(expires_at) = codes_expire_at {
                    sqlx::query($crate::store::sql::UPDATE_EVENT_CODES_EXPIRY)
                        .bind(event.id)
                        .bind(expires_at)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(change) = change {
                    $crate::store::playback::insert_access_change!(&mut *tx, change);
                }
                tx.commit().await?;
                Ok(())
            }

            async fn delete_event(
                &self,
                change: &$crate::model::AccessChange,
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let deleted = sqlx::query($crate::store::sql::DELETE_EVENT)
                    .bind(change.event_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if !deleted {
                    tx.rollback().await?;
                    return Ok(false);
                }
                $crate::store::playback::insert_access_change!(&mut *tx, change);
                tx.commit().await?;
                Ok(true)
            }

            async fn dashboard_stats(
                &self,
                account_id: Option<uuid::Uuid>,
                live_since: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::model::DashboardStats, $crate::store::StoreError> {
                let (total_events, active_events): (i64, i64) =
                    sqlx::query_as($crate::store::sql::SELECT_EVENT_STATS)
                        .bind(account_id)
                        .fetch_one(&self.pool)
                        .await?;
                let (total_tokens, redeemed_tokens): (i64, i64) =
                    sqlx::query_as($crate::store::sql::SELECT_CODE_STATS)
                        .bind(account_id)
                        .fetch_one(&self.pool)
                        .await?;
                let active_viewers: i64 =
                    sqlx::query_scalar($crate::store::playback::COUNT_LIVE_SESSIONS)
                        .bind(account_id)
                        .bind(live_since)
                        .fetch_one(&self.pool)
                        .await?;
                Ok($crate::model::DashboardStats {
                    total_events,
                    active_events,
                    total_tokens,
                    redeemed_tokens,
                    active_viewers,
                })
            }

            async fn insert_codes(
                &self,
                codes: Vec<$crate::model::AccessCode>,
                regenerate: &(dyn Fn() -> String + Send + Sync),
            ) -> Result<Vec<$crate::model::AccessCode>, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let mut stored = Vec::with_capacity(codes.len());
                let mut pending = codes;
                for _ in 0..$crate::store::sql::CODE_INSERT_ROUNDS {
                    if pending.is_empty() {
                        break;
                    }
                    let mut insert =
                        sqlx::QueryBuilder::<$db>::new($crate::store::sql::INSERT_CODES);
                    insert.push_values(&pending, |mut row, code| {
                        row.push_bind(code.id)
                            .push_bind(code.code.clone())
                            .push_bind(code.event_id)
                            .push_bind(code.label.clone())
                            .push_bind(code.is_revoked)
                            .push_bind(code.expires_at)
                            .push_bind(code.created_at);
                    });
                    insert.push(" ON CONFLICT (code) DO NOTHING RETURNING id");
                    let inserted: std::collections::HashSet<uuid::Uuid> = insert
                        .build_query_scalar()
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .collect();
                    let (done, collided): (Vec<_>, Vec<_>) = pending
                        .into_iter()
                        .partition(|code| inserted.contains(&code.id));
                    stored.extend(done);
                    pending = collided
                        .into_iter()
                        .map(|code| $crate::model::AccessCode {
                            code: regenerate(),
                            ..code
                        })
                        .collect();
                }
                if !pending.is_empty() {
                    return Err($crate::store::StoreError::CodeSpaceExhausted);
                }
                tx.commit().await?;
                Ok(stored)
            }

            async fn find_code(
                &self,
                id: uuid::Uuid,
            ) -> Result<Option<$crate::model::AccessCode>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_code_by_id())
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_codes(
                &self,
                account_id: Option<uuid::Uuid>,
                query: &$crate::model::CodeQuery,
                after: Option<(chrono::DateTime<chrono::Utc>, uuid::Uuid)>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(Vec<$crate::model::AccessCode>, i64), $crate::store::StoreError> {
                let mut page = sqlx::QueryBuilder::<$db>::new("");
                $crate::store::sql::push_code_page(&mut page, account_id, query, after, now);
                let codes = page.build_query_as().fetch_all(&self.pool).await?;
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*)");
                $crate::store::sql::push_code_filter(&mut count, account_id, query, now);
                let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
                Ok((codes, total))
            }

            async fn list_event_codes(
                &self,
                event_id: uuid::Uuid,
            ) -> Result<Vec<$crate::model::AccessCode>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_event_codes())
                    .bind(event_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn set_code_revoked(
                &self,
                id: uuid::Uuid,
                revoked: bool,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<$crate::model::AccessCode>, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let code: Option<$crate::model::AccessCode> =
                    sqlx::query_as(&$crate::store::sql::update_code_revoked())
                        .bind(id)
                        .bind(revoked)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await?;
                if let Some(code) = &code {
                    let change = $crate::model::AccessChange::revocation(code, revoked, now);
                    $crate::store::playback::insert_access_change!(&mut *tx, &change);
                }
                tx.commit().await?;
                Ok(code)
            }

            async fn revoke_codes(
                &self,
                ids: &[uuid::Uuid],
                account_id: Option<uuid::Uuid>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<$crate::model::AccessChange>, $crate::store::StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut update = sqlx::QueryBuilder::<$db>::new(
                    "UPDATE access_codes SET is_revoked = TRUE, revoked_at = ",
                );
                update
                    .push_bind(now)
                    .push(" WHERE NOT is_revoked AND id IN (");
                let mut list = update.separated(", ");
                for id in ids {
                    list.push_bind(*id);
                }
                update.push(")");
                if let Some(account_id) = account_id {
                    update
                        .push(" AND event_id IN (SELECT id FROM events WHERE account_id = ")
                        .push_bind(account_id)
                        .push(")");
                }
                update.push(" RETURNING code, event_id");
                let mut tx = self.pool.begin().await?;
                let revoked: Vec<(String, uuid::Uuid)> =
                    update.build_query_as().fetch_all(&mut *tx).await?;
                let changes: Vec<$crate::model::AccessChange> = revoked
                    .into_iter()
                    .map(|(code, event_id)| $crate::model::AccessChange {
                        at: now,
                        event_id,
                        kind: $crate::model::AccessChangeKind::CodeRevoked { code },
                    })
                    .collect();
                for change in &changes {
                    $crate::store::playback::insert_access_change!(&mut *tx, change);
                }
                tx.commit().await?;
                Ok(changes)
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

            async fn insert_account(
                &self,
                account: &$crate::model::Account,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::INSERT_ACCOUNT)
                    .bind(account.id)
                    .bind(&account.name)
                    .bind(account.created_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn count_accounts(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn find_account(
                &self,
                id: uuid::Uuid,
            ) -> Result<Option<$crate::model::Account>, $crate::store::StoreError> {
                Ok(sqlx::query_as($crate::store::sql::SELECT_ACCOUNT)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_accounts(
                &self,
            ) -> Result<Vec<$crate::model::Account>, $crate::store::StoreError> {
                Ok(sqlx::query_as($crate::store::sql::SELECT_ACCOUNTS)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn count_users(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
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

            async fn find_user(
                &self,
                user_id: uuid::Uuid,
            ) -> Result<Option<$crate::store::UserRecord>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_user_by_id())
                    .bind(user_id)
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

            async fn update_role(
                &self,
                user_id: uuid::Uuid,
                role: $crate::model::Role,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPDATE_ROLE)
                    .bind(user_id)
                    .bind(role.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_user_active(
                &self,
                user_id: uuid::Uuid,
                active: bool,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPDATE_USER_ACTIVE)
                    .bind(user_id)
                    .bind(active)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn update_member(
                &self,
                user_id: uuid::Uuid,
                role: Option<$crate::model::Role>,
                active: Option<bool>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                if let Some(role) = role {
                    sqlx::query($crate::store::sql::UPDATE_ROLE)
                        .bind(user_id)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(active) = active {
                    sqlx::query($crate::store::sql::UPDATE_USER_ACTIVE)
                        .bind(user_id)
                        .bind(active)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn update_password(
                &self,
                user_id: uuid::Uuid,
                password_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPDATE_PASSWORD)
                    .bind(user_id)
                    .bind(password_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
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
                account_id: Option<uuid::Uuid>,
            ) -> Result<Vec<$crate::model::AuditEntry>, $crate::store::StoreError> {
                Ok(sqlx::query_as($crate::store::sql::SELECT_AUDIT)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn setting_or_insert(
                &self,
                key: &str,
                value: &str,
            ) -> Result<String, $crate::store::StoreError> {
                sqlx::query($crate::store::sql::INSERT_SETTING)
                    .bind(key)
                    .bind(value)
                    .bind($crate::model::time::now())
                    .execute(&self.pool)
                    .await?;
                Ok(sqlx::query_scalar($crate::store::sql::SELECT_SETTING)
                    .bind(key)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn setting(
                &self,
                key: &str,
            ) -> Result<Option<String>, $crate::store::StoreError> {
                Ok(sqlx::query_scalar($crate::store::sql::SELECT_SETTING)
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn put_setting(
                &self,
                key: &str,
                value: &str,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPSERT_SETTING)
                    .bind(key)
                    .bind(value)
                    .bind($crate::model::time::now())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn insert_session(
                &self,
                session: &$crate::store::SessionRow,
            ) -> Result<bool, $crate::store::StoreError> {
                let inserted = sqlx::query($crate::store::sql::INSERT_SESSION)
                    .bind(&session.id)
                    .bind(&session.data)
                    .bind(session.expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(inserted.rows_affected() == 1)
            }

            async fn save_session(
                &self,
                session: &$crate::store::SessionRow,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::UPSERT_SESSION)
                    .bind(&session.id)
                    .bind(&session.data)
                    .bind(session.expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn load_session(
                &self,
                id: &str,
                now: i64,
            ) -> Result<Option<String>, $crate::store::StoreError> {
                Ok(sqlx::query_scalar($crate::store::sql::SELECT_SESSION)
                    .bind(id)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn delete_session(&self, id: &str) -> Result<(), $crate::store::StoreError> {
                sqlx::query($crate::store::sql::DELETE_SESSION)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_expired_sessions(
                &self,
                now: i64,
            ) -> Result<u64, $crate::store::StoreError> {
                Ok(sqlx::query($crate::store::sql::DELETE_EXPIRED_SESSIONS)
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }
    };
}

pub(super) use impl_store;
