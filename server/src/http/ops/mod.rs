//! What operators and their monitoring read: seed 001's liveness body (`/api/v1/health`).

use axum::{extract::State, Json};
use serde::Serialize;
use streamgate_domain::model::time;
use utoipa::ToSchema;

use super::AppState;

/// Seed 001's liveness body; returned bare, without the `{data, error}` envelope.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Liveness {
    status: &'static str,
    up: bool,
    version: &'static str,
    ts: String,
    uptime_seconds: u64,
}

/// Liveness, without credentials.
#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    responses((status = 200, description = "The server is up", body = Liveness)),
)]
pub async fn liveness(State(state): State<AppState>) -> Json<Liveness> {
    Json(Liveness {
        status: "ok",
        up: true,
        version: env!("CARGO_PKG_VERSION"),
        ts: time::format(&time::now()),
        uptime_seconds: state.started_at.elapsed().as_secs(),
    })
}
