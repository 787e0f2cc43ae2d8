//! Keeping the HLS listener's revocation cache current with changes made elsewhere: another app
//! instance on the same database (the app reads the access-change log), or the platform (an
//! edge polls seed 002's `GET /api/revocations`, passing `serverTime` back as the next `since`).
//! The app's own changes reach its cache at once, without waiting for either.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use streamgate_domain::{
    model::{time, RevocationFeed, INTERNAL_API_KEY_HEADER},
    playback::{PlaybackService, RevocationCache},
    service::Domain,
};
use tokio_util::sync::CancellationToken;
use url::Url;

/// How often the app reads changes other instances wrote to the shared database.
const DATABASE_POLL: Duration = Duration::from_secs(5);
/// How soon an edge that has never synced tries again.
const FIRST_SYNC_RETRY: Duration = Duration::from_secs(2);
const FEED_TIMEOUT: Duration = Duration::from_secs(15);

/// Loads the history that can still matter into the cache; the app serves only after this.
pub async fn load_from_database(
    domain: &Domain,
) -> Result<DateTime<Utc>, streamgate_domain::DomainError> {
    domain
        .playback()
        .sync_revocations(PlaybackService::history_start(time::now()))
        .await
}

/// The app: re-reads the database's recent changes every few seconds from `since`.
pub async fn follow_database(domain: Domain, mut since: DateTime<Utc>, stop: CancellationToken) {
    let mut ticks = tokio::time::interval(DATABASE_POLL);
    ticks.tick().await;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = stop.cancelled() => return,
        }
        match domain.playback().sync_revocations(since).await {
            Ok(next) => since = next,
            Err(err) => tracing::warn!(error = %err, "could not read access changes"),
        }
    }
}

/// Where an edge reads the feed.
pub struct PlatformFeed {
    pub client: reqwest::Client,
    pub url: Url,
    pub api_key: String,
    pub interval: Duration,
}

impl PlatformFeed {
    pub fn new(platform: &Url, api_key: String, interval: Duration) -> Result<Self, String> {
        let url = platform
            .join("api/revocations")
            .map_err(|err| format!("--platform-url: {err}"))?;
        let client = reqwest::Client::builder()
            .timeout(FEED_TIMEOUT)
            .build()
            .map_err(|err| err.to_string())?;
        Ok(Self {
            client,
            url,
            api_key,
            interval,
        })
    }

    async fn fetch(&self, since: DateTime<Utc>) -> Result<RevocationFeed, String> {
        let response = self
            .client
            .get(self.url.clone())
            .query(&[("since", time::format(&since))])
            .header(INTERNAL_API_KEY_HEADER, &self.api_key)
            .send()
            .await
            .map_err(|err| err.to_string())?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("{} answered {status}", self.url));
        }
        response
            .json::<RevocationFeed>()
            .await
            .map_err(|err| format!("unreadable feed: {err}"))
    }
}

/// An edge: polls the feed forever, from the beginning of what can still matter.
pub async fn follow_platform(
    feed: PlatformFeed,
    cache: Arc<RevocationCache>,
    stop: CancellationToken,
) {
    let mut since = PlaybackService::history_start(time::now());
    loop {
        let wait = match feed.fetch(since).await {
            Ok(answer) => {
                since = answer.server_time;
                let changes = answer.into_changes();
                let first = cache.last_sync_ago().is_none();
                cache.apply(&changes);
                cache.prune(time::now());
                cache.mark_synced();
                if first {
                    tracing::info!(entries = cache.len(), "first revocation sync done: serving");
                }
                feed.interval
            }
            Err(reason) => {
                tracing::warn!(%reason, "revocation sync failed");
                if cache.last_sync_ago().is_none() {
                    FIRST_SYNC_RETRY.min(feed.interval)
                } else {
                    feed.interval
                }
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            () = stop.cancelled() => return,
        }
    }
}
