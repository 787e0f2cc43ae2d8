//! The PostgreSQL backend, for installations that run several app instances or edge nodes.

use std::time::Duration;

use sqlx::{migrate::Migrator, postgres::PgPoolOptions, PgPool};

use super::{playback::impl_playback_store, sql::impl_store, Backend, StoreError};

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    const MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(Self { pool })
    }
}

impl_store!(PostgresStore, Backend::Postgres, sqlx::Postgres);
impl_playback_store!(PostgresStore, sqlx::Postgres);
