//! Resolving an API token must not cost a database round trip per request. Lookups are kept
//! for a few seconds (revocation reaches other instances within that), the revoking instance
//! forgets at once, and uses are written at most once a minute per token.

use std::time::Duration;

use moka::sync::Cache;
use uuid::Uuid;

use crate::model::ApiToken;

pub struct TokenCache {
    /// Hex SHA-256 → the token, or `None` for one the store does not know.
    lookups: Cache<String, Option<ApiToken>>,
    /// Tokens whose use was written less than [`TokenCache::TOUCH_EVERY`] ago.
    touched: Cache<Uuid, ()>,
}

impl TokenCache {
    /// How stale a lookup may be: a revocation on another instance applies within this.
    pub const LIFETIME: Duration = Duration::from_secs(5);
    /// `lastUsedAt` is written at most this often per token.
    pub const TOUCH_EVERY: Duration = Duration::from_secs(60);
    const CAPACITY: u64 = 10_000;

    pub fn new() -> Self {
        Self {
            lookups: Cache::builder()
                .max_capacity(Self::CAPACITY)
                .time_to_live(Self::LIFETIME)
                .build(),
            touched: Cache::builder()
                .max_capacity(Self::CAPACITY)
                .time_to_live(Self::TOUCH_EVERY)
                .build(),
        }
    }

    pub fn get(&self, hash: &str) -> Option<Option<ApiToken>> {
        self.lookups.get(hash)
    }

    pub fn put(&self, hash: String, token: Option<ApiToken>) {
        self.lookups.insert(hash, token);
    }

    pub fn forget_all(&self) {
        self.lookups.invalidate_all();
    }

    /// Whether this use should be written (and if so, notes that it is).
    pub fn due_for_touch(&self, id: Uuid) -> bool {
        let entry = self.touched.entry(id).or_insert(());
        entry.is_fresh()
    }
}

impl Default for TokenCache {
    fn default() -> Self {
        Self::new()
    }
}
