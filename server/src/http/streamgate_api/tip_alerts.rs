//! `GET /api/events/{id}/tips`: the tip alerts a viewer's player shows, as Server-Sent Events,
//! for the holder of a valid playback token while the event is live with `tipAlerts` on.

use axum::{
    extract::{Path, State},
    http::request::Parts,
    response::IntoResponse,
};
use streamgate_domain::DomainError;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{
    error::{ViewerError, ViewerErrorBody},
    viewer::playback_token,
};
use crate::http::{openapi::ApiRoutes, shared::tip_events::tip_events, AppState};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().routes(routes!(tip_alerts))
}

/// The account's tips from now on, one `tip` event each (`EventSource` sends `?token=`).
#[utoipa::path(
    get,
    path = "/api/events/{id}/tips",
    tag = "seed 002 viewer",
    security(("playbackToken" = [])),
    params(
        ("id" = Uuid, Path, description = "The event"),
        ("token" = Option<String>, Query, description = "The playback token, where no header can be set"),
    ),
    responses(
        (status = 200, description = "A `text/event-stream` of `tip` events", content_type = "text/event-stream", body = streamgate_domain::model::Tip),
        (status = 401, description = "No valid playback token for this event", body = ViewerErrorBody),
        (status = 404, description = "The event is not live with tip alerts on", body = ViewerErrorBody),
    ),
)]
async fn tip_alerts(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
    parts: Parts,
) -> Result<impl IntoResponse, ViewerError> {
    let Ok(Path(id)) = id else {
        return Err(DomainError::NotFound { what: "Event" }.into());
    };
    let token = playback_token(&parts)?;
    let feed = state.domain.viewer_tips(&token, id).await?;
    Ok(tip_events(feed))
}
