//! The HLS listener (seed 002's media server). For now it answers its health check; the stream
//! routes arrive with the playback work.

use axum::{routing::get, Json, Router};
use serde::Serialize;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HlsHealth {
    status: &'static str,
    /// Where segments come from: `local`, `upstream` or `hybrid`.
    mode: &'static str,
    revocation_cache_size: usize,
    /// Seconds since the last revocation sync; `null` until one has happened.
    last_sync_ago_seconds: Option<u64>,
}

async fn health() -> Json<HlsHealth> {
    // Only the local-directory source and no revocation cache exist yet.
    Json(HlsHealth {
        status: "ok",
        mode: "local",
        revocation_cache_size: 0,
        last_sync_ago_seconds: None,
    })
}
