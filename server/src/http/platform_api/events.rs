//! `/api/v1` events and access codes: the operations shared with seed 002's admin door, plus
//! what only this door has (paged event lists, `PATCH` on an event, one code by id).

use axum::{
    extract::{rejection::QueryRejection, Query},
    routing::{get, patch},
    Json, Router,
};
use serde_json::Value;

use super::{error::envelope, error::ApiError, PlatformApi};
use crate::http::{
    shared::{
        door::{Call, OfCode, PathId},
        event_input::{query_params, ListParams},
        event_routes,
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
    call: Call<PlatformApi>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult {
    let query = query_params(params)?.event_query()?;
    let events = call.domain.events();
    Ok(envelope(
        events.list_summaries(&call.principal, query).await?,
    ))
}

async fn get_code(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfCode>,
) -> ApiResult {
    Ok(envelope(
        call.domain.codes().get(&call.principal, id).await?,
    ))
}
