//! What operators and their monitoring read: seed 001's liveness body (`/api/v1/health`) and
//! the Prometheus scrape endpoint (`/metrics`, in [`metrics`]).

pub mod metrics;

use axum::{
    extract::State,
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::Serialize;
use streamgate_domain::model::time;
use utoipa::ToSchema;

use self::metrics::{Forbidden, Sampled};
use super::{platform_api::error::ApiError, shared::door_metrics, AppState};

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

/// `/metrics` on the app listener when `METRICS_TOKEN` is set. Without it there is no route, so
/// the path answers as any unknown one does and a scanner cannot tell it exists.
pub fn router(state: &AppState) -> Router<AppState> {
    if state.metrics_token.is_none() || !metrics::enabled() {
        return Router::new();
    }
    Router::new()
        .route("/metrics", get(scrape))
        .layer(door_metrics::layer("ops"))
}

/// A missing or wrong token is seed 001's 403.
async fn scrape(State(state): State<AppState>, parts: Parts) -> Response {
    let expected = state.metrics_token.as_deref().unwrap_or_default();
    metrics::scrape(expected, &parts, Sampled::App(&state.domain))
        .await
        .unwrap_or_else(|Forbidden| {
            ApiError::new(StatusCode::FORBIDDEN, "Forbidden").into_response()
        })
}
