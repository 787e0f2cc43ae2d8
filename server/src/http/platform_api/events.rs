//! `/api/v1` events and access codes: the operations shared with seed 002's admin door, plus
//! what only this door has (paged event lists, `PATCH` on an event, one code by id, and a
//! public event's play token, which needs no credentials).

use std::net::SocketAddr;

use axum::{
    extract::{
        rejection::{PathRejection, QueryRejection},
        ConnectInfo, Path, Query, State,
    },
    http::HeaderMap,
    routing::{get, patch},
    Json, Router,
};
use serde_json::Value;
use streamgate_domain::DomainError;
use uuid::Uuid;

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
        .route("/events/{id}/play-token", get(play_token))
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

/// `GET /api/v1/events/:id/play-token`: no credentials; a playback token and a session of its
/// own for a public event that plays now. Every other id, a malformed one too, is not found.
async fn play_token(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    let Ok(Path(id)) = id else {
        return Err(DomainError::NotFound { what: "Event" }.into());
    };
    let base_url = state.playback_base.for_request(&headers);
    let playback = state.domain.playback();
    Ok(envelope(
        playback
            .play_public(id, Some(client.ip()), base_url)
            .await?,
    ))
}
