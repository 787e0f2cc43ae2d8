//! The dashboard's sessions as its session layer (tower-sessions) keeps them: opaque rows with
//! an expiry, stored with the rest of the installation's data so every app instance shares
//! them. No rules here: the session layer owns their content.

use crate::{store::Store, DomainError};

pub use crate::store::SessionRow;

pub struct SessionService<'a> {
    store: &'a dyn Store,
}

impl<'a> SessionService<'a> {
    pub(super) fn new(store: &'a dyn Store) -> Self {
        Self { store }
    }

    /// Stores a new session; `false` if the id is taken (nothing is overwritten).
    pub async fn insert(&self, session: &SessionRow) -> Result<bool, DomainError> {
        Ok(self.store.insert_session(session).await?)
    }

    /// Stores a session, replacing the row of the same id.
    pub async fn save(&self, session: &SessionRow) -> Result<(), DomainError> {
        Ok(self.store.save_session(session).await?)
    }

    /// A session's data unless it expired before `now` (Unix seconds).
    pub async fn load(&self, id: &str, now: i64) -> Result<Option<String>, DomainError> {
        Ok(self.store.load_session(id, now).await?)
    }

    pub async fn delete(&self, id: &str) -> Result<(), DomainError> {
        Ok(self.store.delete_session(id).await?)
    }

    /// Removes the sessions that expired before `now` (Unix seconds); returns how many.
    pub async fn delete_expired(&self, now: i64) -> Result<u64, DomainError> {
        Ok(self.store.delete_expired_sessions(now).await?)
    }
}
