//! Seed 002's internal API: `GET /api/revocations` for HLS edges, behind
//! `X-Internal-Api-Key` (`STREAMGATE_INTERNAL_API_KEY`; without one configured nobody gets in).

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use streamgate_domain::model::{time, RevocationFeed};

use super::error::AdminError;
use crate::http::{shared::internal_key::presents_key, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/revocations", get(revocations))
}

#[derive(Deserialize)]
struct FeedQuery {
    since: Option<String>,
}

async fn revocations(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<RevocationFeed>, AdminError> {
    if !presents_key(state.internal_api_key.as_deref(), &headers) {
        return Err(AdminError::new(StatusCode::UNAUTHORIZED, "Unauthorized"));
    }
    let since = query
        .ok()
        .and_then(|Query(query)| query.since)
        .filter(|since| !since.trim().is_empty())
        .ok_or_else(|| AdminError::new(StatusCode::BAD_REQUEST, "since parameter required"))?;
    let since = time::parse(&since).ok_or_else(|| {
        AdminError::new(
            StatusCode::BAD_REQUEST,
            "since must be an ISO 8601 time, e.g. 2025-03-15T10:00:00.000Z",
        )
    })?;
    Ok(Json(state.domain.playback().revocation_feed(since).await?))
}
