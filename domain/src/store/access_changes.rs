//! The access-change log behind the revocation feed: what takes access away from issued
//! playback tokens (and gives it back), written in the transaction that made the change by the
//! event, code and playback stores.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Type};
use uuid::Uuid;

use super::StoreError;
use crate::model::{AccessChange, AccessChangeKind, SessionEndReason, PUBLIC_SUBJECT};

const INSERT_ACCESS_CHANGE: &str = "INSERT INTO access_changes \
    (changed_at, kind, event_id, code, session_id) VALUES ($1, $2, $3, $4, $5)";

const ACCESS_CHANGE_COLUMNS: &str = "changed_at, kind, event_id, code, session_id";

static INSERT_SESSION_END: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO access_changes ({ACCESS_CHANGE_COLUMNS}) \
         SELECT $2, $3, s.event_id, COALESCE(c.code, $4), s.id \
         FROM playback_sessions s LEFT JOIN access_codes c ON c.id = s.code_id \
         WHERE s.id = $1 \
         RETURNING {ACCESS_CHANGE_COLUMNS}"
    )
});

pub(super) static SELECT_ACCESS_CHANGES_SINCE: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {ACCESS_CHANGE_COLUMNS} FROM access_changes WHERE changed_at > $1 ORDER BY seq")
});

pub(super) const PRUNE_ACCESS_CHANGES: &str = "DELETE FROM access_changes WHERE changed_at < $1";

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

/// Logs `change` on `exec`: the transaction that made the change, so the feed misses none.
pub(super) async fn insert_access_change<'e, DB: Database>(
    exec: impl Executor<'e, Database = DB>,
    change: &AccessChange,
) -> Result<(), StoreError>
where
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> Option<Uuid>: Encode<'q, DB> + Type<DB>,
{
    sqlx::query(INSERT_ACCESS_CHANGE)
        .bind(change.at)
        .bind(change.kind.as_str())
        .bind(change.event_id)
        .bind(change.kind.code())
        .bind(change.kind.session_id())
        .execute(exec)
        .await?;
    Ok(())
}

/// Logs the end of the session `session_id` at `now` for `reason` on `exec` (the transaction
/// that ended it); the change, unless this version does not know its kind. A public session's
/// change names [`PUBLIC_SUBJECT`] for its code.
pub(super) async fn log_session_end<'e, DB: Database>(
    exec: impl Executor<'e, Database = DB>,
    session_id: Uuid,
    now: DateTime<Utc>,
    reason: SessionEndReason,
) -> Result<Option<AccessChange>, StoreError>
where
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'r> AccessChangeRow: FromRow<'r, DB::Row>,
{
    let row: AccessChangeRow = sqlx::query_as(&INSERT_SESSION_END)
        .bind(session_id)
        .bind(now)
        .bind(reason.change_kind())
        .bind(PUBLIC_SUBJECT)
        .fetch_one(exec)
        .await?;
    Ok(row.into_change())
}
