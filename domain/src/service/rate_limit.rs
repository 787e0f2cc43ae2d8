//! Request limits kept in the database, so that every app instance sharing it counts together
//! (sign-ins per address, and viewers' validations and refreshes). The algorithm is GCRA (as
//! the `governor` crate uses): a burst of `requests` at once, then one more every
//! `per / requests`; refused attempts do not count.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::store::{Gcra, Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
}

impl RateLimit {
    pub const fn per_minute(requests: u32) -> Self {
        Self {
            requests,
            per: Duration::from_secs(60),
        }
    }

    pub const fn per_hour(requests: u32) -> Self {
        Self {
            requests,
            per: Duration::from_secs(3600),
        }
    }

    /// Counts one request on `key` at `now`: `None` when allowed, else the whole seconds to
    /// wait (at least 1) before the next can succeed.
    pub async fn hit(
        &self,
        store: &dyn Store,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<u64>, StoreError> {
        let window_ms = self.per.as_millis() as i64;
        let interval_ms = (window_ms / i64::from(self.requests.max(1))).max(1);
        let limit = Gcra {
            interval_ms,
            window_ms,
        };
        let wait_ms = store
            .rate_limit_hit(key, now.timestamp_millis(), limit)
            .await?;
        Ok(wait_ms.map(|ms| (ms as u64).div_ceil(1000).max(1)))
    }
}
