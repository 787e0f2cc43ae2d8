//! What a store call can fail with, whichever backend runs it.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (e.g. an email already in use).
    #[error("duplicate value: {0}")]
    Duplicate(sqlx::Error),
    /// A batch of codes kept colliding with existing ones (see `codes::CODE_INSERT_ROUNDS`).
    #[error("could not find unused access codes")]
    CodeSpaceExhausted,
    /// A guarded insert found the account at its limit; nothing was written.
    #[error("{0}")]
    OverQuota(crate::model::QuotaExceeded),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err.as_database_error() {
            Some(db) if db.is_unique_violation() => StoreError::Duplicate(err),
            _ => StoreError::Database(err),
        }
    }
}
