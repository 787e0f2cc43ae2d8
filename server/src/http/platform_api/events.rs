//! `/api/v1` events and access codes: the operations shared with seed 002's admin door, plus
//! what only this door has (paged event lists, `PATCH` on an event, one code by id).

use axum::{
    extract::{rejection::PathRejection, rejection::QueryRejection, Path, Query, State},
    routing::{get, patch},
    Json, Router,
};
use serde_json::Value;
use uuid::Uuid;

use super::{error::envelope, error::ApiError, PlatformApi};
use crate::http::{
    shared::{
        event_input::{query_params, ListParams},
        event_routes::{self, path_id, Caller, IdKind},
    },
    AppState,
};

type ApiResult = Result<Json<Value>, ApiError>;

pub fn router() -> Router<AppState> {
    event_routes::routes::<PlatformApi>()
        .route("/events", get(list_events))
        .route(
            "/events/{id}",
            patch(event_routes::update_event::<PlatformApi>),
        )
        .route("/codes/{id}", get(get_code))
}

/// A page of events with their code counts, the latest start first: `search`, `active`,
/// `archived`, `limit`, `cursor` or `offset`.
async fn list_events(
    State(state): State<AppState>,
    Caller(principal, _): Caller<PlatformApi>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult {
    let query = query_params(params)?.event_query()?;
    let events = state.domain.events();
    Ok(envelope(events.list_summaries(&principal, query).await?))
}

async fn get_code(
    State(state): State<AppState>,
    Caller(principal, _): Caller<PlatformApi>,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    let id = path_id::<PlatformApi>(id, IdKind::Code)?;
    Ok(envelope(state.domain.codes().get(&principal, id).await?))
}
