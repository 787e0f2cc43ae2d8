//! Access codes: batches inserted without collisions, listings, lookups and revocation.

use std::{collections::HashSet, sync::LazyLock};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Database, Encode, QueryBuilder, Type};
use uuid::Uuid;

use super::{
    access_changes::insert_access_change,
    contains_pattern, push_ids, push_scoped_from,
    quotas::{COUNT_CODES, LOCK_ACCOUNT},
    PostgresStore, QuotaCheck, SqliteStore, StoreError,
};
use crate::model::{
    AccessChange, AccessChangeKind, AccessCode, CodeQuery, CodeStatus, QuotaMetric,
};

#[async_trait]
pub trait CodeStore: Send + Sync {
    /// Inserts a batch of codes in one transaction. Codes that collide with existing ones (or
    /// each other) get a fresh code from `regenerate` and are retried; if collisions persist
    /// nothing is stored. With a `quota`, the transaction first takes the account's lock and
    /// stores nothing ([`StoreError::OverQuota`]) when the whole batch would not fit.
    async fn insert_codes(
        &self,
        codes: Vec<AccessCode>,
        regenerate: &(dyn Fn() -> String + Send + Sync),
        quota: Option<QuotaCheck>,
    ) -> Result<Vec<AccessCode>, StoreError>;
    async fn find_code(&self, id: Uuid) -> Result<Option<AccessCode>, StoreError>;
    /// The code `code` (exact, case-sensitive).
    async fn find_code_by_code(&self, code: &str) -> Result<Option<AccessCode>, StoreError>;
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
    /// `(event id, code)` for every code of the listed events.
    async fn codes_of_events(&self, event_ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError>;
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
}

const CODE_COLUMNS: &str = "c.id, c.code, c.event_id, c.label, c.is_revoked, c.revoked_at, \
    c.redeemed_at, c.redeemed_ip, c.expires_at, c.created_at";

/// One code by the column `column` (`id` or `code`).
fn select_code_by(column: &str) -> String {
    format!("SELECT {CODE_COLUMNS} FROM access_codes c WHERE c.{column} = $1")
}

static SELECT_CODE_BY_ID: LazyLock<String> = LazyLock::new(|| select_code_by("id"));

static SELECT_CODE_BY_CODE: LazyLock<String> = LazyLock::new(|| select_code_by("code"));

/// Revoking keeps the first revocation time; un-revoking clears it.
/// (SQLite's `RETURNING` takes no table qualifiers, hence the bare column list.)
static UPDATE_CODE_REVOKED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE access_codes SET is_revoked = $2, \
         revoked_at = CASE WHEN $2 THEN COALESCE(revoked_at, $3) ELSE NULL END \
         WHERE id = $1 RETURNING {}",
        CODE_COLUMNS.replace("c.", "")
    )
});

static SELECT_EVENT_CODES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {CODE_COLUMNS} FROM access_codes c WHERE c.event_id = $1 \
         ORDER BY c.created_at DESC, c.id DESC"
    )
});

const INSERT_CODES: &str = "INSERT INTO access_codes \
    (id, code, event_id, label, is_revoked, expires_at, created_at) ";

/// How often a batch retries the codes that collided with existing ones. With 62^12 possible
/// codes a single collision is already unlikely; needing this many rounds means a broken RNG.
const CODE_INSERT_ROUNDS: usize = 5;

/// One round of a batch: inserts `pending`, skipping the codes already taken, and returns the
/// ids it stored.
fn insert_codes_query<'a, DB: Database>(pending: &'a [AccessCode]) -> QueryBuilder<'a, DB>
where
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    Option<String>: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    DateTime<Utc>: Encode<'a, DB> + Type<DB>,
{
    let mut insert = QueryBuilder::new(INSERT_CODES);
    insert.push_values(pending, |mut row, code| {
        row.push_bind(code.id)
            .push_bind(code.code.clone())
            .push_bind(code.event_id)
            .push_bind(code.label.clone())
            .push_bind(code.is_revoked)
            .push_bind(code.expires_at)
            .push_bind(code.created_at);
    });
    insert.push(" ON CONFLICT (code) DO NOTHING RETURNING id");
    insert
}

/// Moves the codes of `pending` that were `inserted` to `stored`; the others get a fresh code
/// for the next round.
fn retry_collided(
    pending: Vec<AccessCode>,
    inserted: &HashSet<Uuid>,
    stored: &mut Vec<AccessCode>,
    regenerate: &(dyn Fn() -> String + Send + Sync),
) -> Vec<AccessCode> {
    let (done, collided): (Vec<_>, Vec<_>) = pending
        .into_iter()
        .partition(|code| inserted.contains(&code.id));
    stored.extend(done);
    collided
        .into_iter()
        .map(|code| AccessCode {
            code: regenerate(),
            ..code
        })
        .collect()
}

/// Revokes the unrevoked codes among `ids` (of the account, with one), returning each one's
/// code and event.
fn revoke_codes_query<'a, DB: Database>(
    ids: &[Uuid],
    account_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> QueryBuilder<'a, DB>
where
    Uuid: Encode<'a, DB> + Type<DB>,
    DateTime<Utc>: Encode<'a, DB> + Type<DB>,
{
    let mut update = QueryBuilder::new("UPDATE access_codes SET is_revoked = TRUE, revoked_at = ");
    update
        .push_bind(now)
        .push(" WHERE NOT is_revoked AND id IN (");
    push_ids(&mut update, ids);
    update.push(")");
    if let Some(account_id) = account_id {
        update
            .push(" AND event_id IN (SELECT id FROM events WHERE account_id = ")
            .push_bind(account_id)
            .push(")");
    }
    update.push(" RETURNING code, event_id");
    update
}

/// The keyset of the codes table: newest first, ties broken by id.
type CodeKey = (DateTime<Utc>, Uuid);

/// Appends the `FROM … WHERE …` of a codes listing (scope, event, status, search).
fn push_code_filter<'a, DB: Database>(
    qb: &mut QueryBuilder<'a, DB>,
    scope: Option<Uuid>,
    query: &CodeQuery,
    now: DateTime<Utc>,
) where
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    DateTime<Utc>: Encode<'a, DB> + Type<DB>,
{
    let from = " FROM access_codes c JOIN events e ON e.id = c.event_id WHERE TRUE";
    push_scoped_from(qb, from, scope);
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
fn code_page<'a, DB: Database>(
    scope: Option<Uuid>,
    query: &CodeQuery,
    after: Option<CodeKey>,
    now: DateTime<Utc>,
) -> QueryBuilder<'a, DB>
where
    Uuid: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    DateTime<Utc>: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut qb = QueryBuilder::new("SELECT ");
    qb.push(CODE_COLUMNS);
    push_code_filter(&mut qb, scope, query, now);
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
    qb
}

/// Implements [`CodeStore`] for a backend with a `pool` field, on the database `$db`.
macro_rules! impl_code_store {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl CodeStore for $store {
            async fn insert_codes(
                &self,
                codes: Vec<AccessCode>,
                regenerate: &(dyn Fn() -> String + Send + Sync),
                quota: Option<QuotaCheck>,
            ) -> Result<Vec<AccessCode>, StoreError> {
                let mut tx = self.pool.begin().await?;
                if let Some(quota) = quota {
                    let lock = sqlx::query(LOCK_ACCOUNT).bind(quota.account_id);
                    lock.execute(&mut *tx).await?;
                    let count = sqlx::query_scalar(COUNT_CODES).bind(quota.account_id);
                    let used: i64 = count.fetch_one(&mut *tx).await?;
                    quota.admit(QuotaMetric::Codes, used, codes.len() as i64)?;
                }
                let mut stored = Vec::with_capacity(codes.len());
                let mut pending = codes;
                for _ in 0..CODE_INSERT_ROUNDS {
                    if pending.is_empty() {
                        break;
                    }
                    let inserted: Vec<Uuid> = insert_codes_query::<$db>(&pending)
                        .build_query_scalar()
                        .fetch_all(&mut *tx)
                        .await?;
                    let inserted = inserted.into_iter().collect();
                    pending = retry_collided(pending, &inserted, &mut stored, regenerate);
                }
                if !pending.is_empty() {
                    return Err(StoreError::CodeSpaceExhausted);
                }
                tx.commit().await?;
                Ok(stored)
            }

            async fn find_code(&self, id: Uuid) -> Result<Option<AccessCode>, StoreError> {
                let code = sqlx::query_as(&SELECT_CODE_BY_ID).bind(id);
                Ok(code.fetch_optional(&self.pool).await?)
            }

            async fn find_code_by_code(
                &self,
                code: &str,
            ) -> Result<Option<AccessCode>, StoreError> {
                let code = sqlx::query_as(&SELECT_CODE_BY_CODE).bind(code);
                Ok(code.fetch_optional(&self.pool).await?)
            }

            async fn list_codes(
                &self,
                account_id: Option<Uuid>,
                query: &CodeQuery,
                after: Option<CodeKey>,
                now: DateTime<Utc>,
            ) -> Result<(Vec<AccessCode>, i64), StoreError> {
                let mut page = code_page(account_id, query, after, now);
                let mut count = QueryBuilder::new("SELECT COUNT(*)");
                push_code_filter(&mut count, account_id, query, now);
                let codes = page.build_query_as().fetch_all(&self.pool).await?;
                let total = count.build_query_scalar().fetch_one(&self.pool).await?;
                Ok((codes, total))
            }

            async fn list_event_codes(
                &self,
                event_id: Uuid,
            ) -> Result<Vec<AccessCode>, StoreError> {
                let codes = sqlx::query_as(&SELECT_EVENT_CODES).bind(event_id);
                Ok(codes.fetch_all(&self.pool).await?)
            }

            async fn codes_of_events(
                &self,
                event_ids: &[Uuid],
            ) -> Result<Vec<(Uuid, String)>, StoreError> {
                if event_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut select = QueryBuilder::<$db>::new(
                    "SELECT event_id, code FROM access_codes WHERE event_id IN (",
                );
                push_ids(&mut select, event_ids);
                select.push(") ORDER BY created_at, id");
                Ok(select.build_query_as().fetch_all(&self.pool).await?)
            }

            async fn set_code_revoked(
                &self,
                id: Uuid,
                revoked: bool,
                now: DateTime<Utc>,
            ) -> Result<Option<AccessCode>, StoreError> {
                let mut tx = self.pool.begin().await?;
                let code: Option<AccessCode> = sqlx::query_as(&UPDATE_CODE_REVOKED)
                    .bind(id)
                    .bind(revoked)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(code) = &code {
                    let change = AccessChange::revocation(code, revoked, now);
                    insert_access_change(&mut *tx, &change).await?;
                }
                tx.commit().await?;
                Ok(code)
            }

            async fn revoke_codes(
                &self,
                ids: &[Uuid],
                account_id: Option<Uuid>,
                now: DateTime<Utc>,
            ) -> Result<Vec<AccessChange>, StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut update = revoke_codes_query::<$db>(ids, account_id, now);
                let mut tx = self.pool.begin().await?;
                let revoked: Vec<(String, Uuid)> =
                    update.build_query_as().fetch_all(&mut *tx).await?;
                let mut changes = Vec::with_capacity(revoked.len());
                for (code, event_id) in revoked {
                    let kind = AccessChangeKind::CodeRevoked { code };
                    let change = AccessChange {
                        at: now,
                        event_id,
                        kind,
                    };
                    insert_access_change(&mut *tx, &change).await?;
                    changes.push(change);
                }
                tx.commit().await?;
                Ok(changes)
            }
        }
    };
}

impl_code_store!(SqliteStore, sqlx::Sqlite);
impl_code_store!(PostgresStore, sqlx::Postgres);
