//! The queries both backends run, written once. SQLite and PostgreSQL both accept `$n`
//! placeholders, and sqlx maps our column types (UUID, timestamps, booleans) on both, so one
//! body serves both pools: [`impl_store!`] instantiates it per backend.

pub(super) const INSERT_EVENT: &str = "INSERT INTO events \
    (id, title, description, stream_url, poster_url, starts_at, ends_at, access_window_hours, \
     is_active, is_archived, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const EVENT_COLUMNS: &str = "id, title, description, stream_url, poster_url, starts_at, ends_at, \
    access_window_hours, is_active, is_archived, created_at, updated_at";

pub(super) fn select_event_by_id() -> String {
    format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1")
}

pub(super) fn select_events() -> String {
    format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_at, id")
}

/// Implements [`super::Store`] for a struct with a `pool` field and an associated `MIGRATOR`.
macro_rules! impl_store {
    ($store:ty, $backend:expr) => {
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
            ) -> Result<Vec<$crate::model::Event>, $crate::store::StoreError> {
                Ok(sqlx::query_as(&$crate::store::sql::select_events())
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

pub(super) use impl_store;
