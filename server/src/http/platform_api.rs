//! `/api/v1`: the platform API for integrators, in seed 001's conventions.

use axum::{extract::State, routing::get, Json, Router};
use serde::Serialize;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Seed 001's liveness body; returned bare, without the `{data, error}` envelope.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Health {
    status: &'static str,
    up: bool,
    version: &'static str,
    ts: String,
    uptime_seconds: u64,
}

async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        up: true,
        version: env!("CARGO_PKG_VERSION"),
        ts: streamgate_domain::model::time::format(&streamgate_domain::model::time::now()),
        uptime_seconds: state.started_at.elapsed().as_secs(),
    })
}
