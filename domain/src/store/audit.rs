//! The audit trail: who did what, when, from where.

use async_trait::async_trait;
use uuid::Uuid;

use super::{PostgresStore, SqliteStore, StoreError};
use crate::model::AuditEntry;

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn insert_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// The audit trail, newest first: one account's, or with `None` every entry.
    async fn list_audit(&self, account_id: Option<Uuid>) -> Result<Vec<AuditEntry>, StoreError>;
}

const INSERT_AUDIT: &str = "INSERT INTO audit_log \
    (id, account_id, actor, action, target, ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// With `$1` NULL, every account's entries (and platform-level ones).
const SELECT_AUDIT: &str =
    "SELECT id, account_id, actor, action, target, ip, created_at FROM audit_log \
    WHERE $1 IS NULL OR account_id = $1 ORDER BY created_at DESC, seq DESC";

/// Implements [`AuditStore`] for a backend with a `pool` field.
macro_rules! impl_audit_store {
    ($store:ty) => {
        #[async_trait]
        impl AuditStore for $store {
            async fn insert_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
                sqlx::query(INSERT_AUDIT)
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
                account_id: Option<Uuid>,
            ) -> Result<Vec<AuditEntry>, StoreError> {
                Ok(sqlx::query_as(SELECT_AUDIT)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

impl_audit_store!(SqliteStore);
impl_audit_store!(PostgresStore);
