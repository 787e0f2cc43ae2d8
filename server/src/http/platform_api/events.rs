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
    Json,
};
use serde_json::Value;
use streamgate_domain::{
    model::{AccessCode, Event, EventSummary, Page, PublicPlayback},
    DomainError,
};
use utoipa::openapi::path::HttpMethod;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{error::envelope, error::ApiError, error::ApiErrorBody, PlatformApi};
use crate::http::{
    openapi::{op::Op, ApiRoutes, Envelope},
    shared::{
        door::{Call, OfCode, PathId},
        event_input::{query_params, EventPatchBody, ListParams},
        event_routes,
    },
    AppState,
};

type ApiResult = Result<Json<Value>, ApiError>;

pub fn routes() -> ApiRoutes {
    let patch = Op::<PlatformApi>::new(
        HttpMethod::Patch,
        "/events/{id}",
        "patch_event",
        "events",
        "Change an event's fields (as `PUT`)",
    );
    event_routes::routes::<PlatformApi>()
        .routes(routes!(list_events))
        .routes(
            patch
                .body::<EventPatchBody>()
                .answers::<Event>(200, "The changed event")
                .refuses(&[400, 401, 403, 404])
                .handler(event_routes::update_event::<PlatformApi>),
        )
        .routes(routes!(get_code))
        .routes(routes!(play_token))
}

/// A page of events with their code counts, the latest start first: `search`, `active`,
/// `archived`, `limit`, `cursor` or `offset`.
#[utoipa::path(
    get,
    path = "/events",
    tag = "events",
    security(("bearer" = []), ("session" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "The events", body = Envelope<Page<EventSummary>>),
        (status = 400, description = "A bad parameter", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
    ),
)]
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

/// One access code.
#[utoipa::path(
    get,
    path = "/codes/{id}",
    tag = "codes",
    security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path, description = "The code's id")),
    responses(
        (status = 200, description = "The code", body = Envelope<AccessCode>),
        (status = 400, description = "Not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
        (status = 404, description = "No such code", body = ApiErrorBody),
    ),
)]
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
#[utoipa::path(
    get,
    path = "/events/{id}/play-token",
    tag = "events",
    params(("id" = Uuid, Path, description = "A public event")),
    responses(
        (status = 200, description = "A playback token and its session", body = Envelope<PublicPlayback>),
        (status = 404, description = "No public event plays under this id now", body = ApiErrorBody),
        (status = 429, description = "Too many play tokens from this address", body = ApiErrorBody),
    ),
)]
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
