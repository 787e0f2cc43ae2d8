//! Seed 002's internal API: `GET /api/revocations` for HLS edges, behind
//! `X-Internal-Api-Key` (`STREAMGATE_INTERNAL_API_KEY`; without one configured nobody gets in).

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use serde::Deserialize;
use streamgate_domain::model::{time, RevocationFeed};
use utoipa::IntoParams;
use utoipa_axum::routes;

use super::error::{AdminError, AdminErrorBody};
use crate::http::{openapi::ApiRoutes, shared::internal_key::presents_key, AppState};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().routes(routes!(revocations))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FeedQuery {
    /// Changes after this ISO 8601 time, e.g. `2025-03-15T10:00:00.000Z`.
    since: Option<String>,
}

/// What was revoked or restored since a time: what edges need to refuse or readmit viewers.
#[utoipa::path(
    get,
    path = "/api/revocations",
    tag = "seed 002 internal",
    security(("internalApiKey" = [])),
    params(FeedQuery),
    responses(
        (status = 200, description = "The changes since `since`", body = RevocationFeed),
        (status = 400, description = "No or a bad `since`", body = AdminErrorBody),
        (status = 401, description = "No or a wrong key", body = AdminErrorBody),
    ),
)]
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
