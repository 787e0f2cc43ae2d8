//! The PostgreSQL backend, for installations that run several app instances or edge nodes.

use std::time::Duration;

use sqlx::{migrate::Migrator, postgres::PgPoolOptions, PgPool};

use super::StoreError;

/// The capability files implement their traits on this (see `mod.rs`).
pub struct PostgresStore {
    pub(super) pool: PgPool,
}

impl PostgresStore {
    pub(super) const MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(Self { pool })
    }
}
