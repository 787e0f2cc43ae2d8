//! How viewers' playback works on an installation: the signing key, the session timeout and
//! the limits on validations and refreshes.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};

use super::PlaybackKeys;
use crate::service::RateLimit;

/// How viewers' playback works on this installation.
pub struct PlaybackConfig {
    pub keys: Arc<PlaybackKeys>,
    /// A session without a heartbeat for this long is over (`STREAMGATE_SESSION_TIMEOUT`).
    pub session_timeout: Duration,
    /// Validations per client address (seed 002: 5 a minute).
    pub validate_limit: RateLimit,
    /// Refreshes per code (seed 002: 12 an hour).
    pub refresh_limit: RateLimit,
    /// Public play tokens per client address (`STREAMGATE_PLAY_TOKEN_RATE_LIMIT`).
    pub play_token_limit: RateLimit,
}

impl PlaybackConfig {
    pub const DEFAULT_SESSION_TIMEOUT: Duration = Duration::from_secs(60);
    pub const DEFAULT_VALIDATE_LIMIT: RateLimit = RateLimit::per_minute(5);
    pub const DEFAULT_REFRESH_LIMIT: RateLimit = RateLimit::per_hour(12);
    pub const DEFAULT_PLAY_TOKEN_LIMIT: RateLimit = RateLimit::per_minute(30);

    /// Seed 002's settings with `keys`.
    pub fn new(keys: PlaybackKeys) -> Self {
        Self {
            keys: Arc::new(keys),
            session_timeout: Self::DEFAULT_SESSION_TIMEOUT,
            validate_limit: Self::DEFAULT_VALIDATE_LIMIT,
            refresh_limit: Self::DEFAULT_REFRESH_LIMIT,
            play_token_limit: Self::DEFAULT_PLAY_TOKEN_LIMIT,
        }
    }

    /// Sessions seen after this moment are live at `now`.
    pub fn live_since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Duration::from_std(self.session_timeout).unwrap_or(chrono::Duration::MAX)
    }
}
