//! Settings: named values the program keeps for itself (e.g. its signing secret, the demo event).

use async_trait::async_trait;

use super::{PostgresStore, SqliteStore, StoreError};

#[async_trait]
pub trait SettingStore: Send + Sync {
    /// Stores the setting `key` = `value` unless `key` already has one; returns the value that is stored now, so
    /// concurrent first starts agree.
    async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError>;
    /// The setting `key`, if it has one.
    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Stores the setting `key` = `value`, replacing any earlier value.
    async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;
}

const SELECT_SETTING: &str = "SELECT value FROM settings WHERE key = $1";

const INSERT_SETTING: &str = "INSERT INTO settings (key, value, created_at) \
    VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING";

/// A replaced setting keeps its creation time.
const UPSERT_SETTING: &str = "INSERT INTO settings (key, value, created_at) \
    VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// Implements [`SettingStore`] for a backend with a `pool` field. Both writes bind the same
/// columns and differ only in what an existing key does.
macro_rules! impl_setting_store {
    ($store:ty) => {
        impl $store {
            /// Writes `key` = `value` with `sql` (an insert or an upsert), created now.
            async fn write_setting(
                &self,
                sql: &str,
                key: &str,
                value: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(sql)
                    .bind(key)
                    .bind(value)
                    .bind(crate::model::time::now())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }

        #[async_trait]
        impl SettingStore for $store {
            async fn setting_or_insert(
                &self,
                key: &str,
                value: &str,
            ) -> Result<String, StoreError> {
                self.write_setting(INSERT_SETTING, key, value).await?;
                Ok(sqlx::query_scalar(SELECT_SETTING)
                    .bind(key)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
                Ok(sqlx::query_scalar(SELECT_SETTING)
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
                self.write_setting(UPSERT_SETTING, key, value).await
            }
        }
    };
}

impl_setting_store!(SqliteStore);
impl_setting_store!(PostgresStore);
