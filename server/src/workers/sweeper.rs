//! Housekeeping in the app: viewers' sessions whose heartbeat stopped are ended (so their
//! tokens stop at the HLS listener and the code is free), and expired dashboard sessions,
//! old access changes and full rate-limit allowances are removed.

use std::time::Duration;

use streamgate_domain::{model::time, service::Domain};
use tokio_util::sync::CancellationToken;

/// How often silent playback sessions are looked for: a small part of the session timeout.
const SESSION_SWEEP: Duration = Duration::from_secs(5);
/// How often the rest is tidied.
const HOUSEKEEPING: Duration = Duration::from_secs(10 * 60);

pub async fn run(domain: Domain, stop: CancellationToken) {
    let mut sessions = tokio::time::interval(SESSION_SWEEP);
    let mut housekeeping = tokio::time::interval(HOUSEKEEPING);
    loop {
        tokio::select! {
            _ = sessions.tick() => end_silent_sessions(&domain).await,
            _ = housekeeping.tick() => tidy(&domain).await,
            () = stop.cancelled() => return,
        }
    }
}

async fn end_silent_sessions(domain: &Domain) {
    match domain.playback().end_timed_out_sessions().await {
        Ok(0) => {}
        Ok(ended) => tracing::info!(ended, "silent playback sessions ended"),
        Err(err) => tracing::warn!(error = %err, "could not end silent playback sessions"),
    }
}

async fn tidy(domain: &Domain) {
    let now = time::now().timestamp();
    match domain.sessions().delete_expired(now).await {
        Ok(0) => {}
        Ok(removed) => tracing::debug!(removed, "expired dashboard sessions removed"),
        Err(err) => tracing::warn!(error = %err, "could not remove expired sessions"),
    }
    match domain.playback().prune().await {
        Ok(removed) => tracing::debug!(removed, "old access changes and rate limits removed"),
        Err(err) => tracing::warn!(error = %err, "could not prune playback history"),
    }
}
