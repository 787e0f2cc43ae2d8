//! Seed 002's public API for viewers: trade a code for a playback token, keep the session
//! alive, refresh, release, and read an event's status. Bodies and statuses verbatim; no
//! sign-in (the code, then the playback token, is the credential).

use std::net::SocketAddr;

use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, Path, State},
    http::{request::Parts, HeaderMap},
    Json,
};
use serde::{Deserialize, Serialize};
use streamgate_domain::{
    model::{EventStatusReport, PlaybackGrant, RefreshedToken},
    DomainError, PlaybackRefusal,
};
use url::Url;
use utoipa::ToSchema;
use utoipa_axum::routes;
use uuid::Uuid;

use super::error::{ViewerError, ViewerErrorBody};
use crate::http::{
    metrics::VALIDATIONS,
    openapi::ApiRoutes,
    shared::{caller, origin::origin_of},
    AppState,
};

type ViewerResult<T> = Result<Json<T>, ViewerError>;

/// `POST /api/tokens/validate`'s body.
#[derive(Deserialize, ToSchema)]
struct ValidateBody {
    code: String,
}

/// Where viewers reach the HLS listener (seed 002's `playbackBaseUrl`).
#[derive(Clone, Debug)]
pub struct PlaybackBase {
    /// `STREAMGATE_PUBLIC_HLS_URL`, when set.
    pub public_url: Option<Url>,
    /// The HLS listener's port, for the URL derived from the request.
    pub hls_port: u16,
}

impl PlaybackBase {
    /// The configured URL, or the host the request was sent to with the HLS port: a request to
    /// `192.168.0.11:3000` gets `http://192.168.0.11:4000`.
    pub fn for_request(&self, headers: &HeaderMap) -> String {
        match &self.public_url {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => {
                let host = origin_of(None, headers, false);
                format!("http://{}:{}", host.host(), self.hls_port)
            }
        }
    }
}

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .routes(routes!(validate))
        .routes(routes!(refresh))
        .routes(routes!(heartbeat))
        .routes(routes!(release))
        .routes(routes!(event_status))
}

/// `{"ok": true}`.
#[derive(Serialize, ToSchema)]
struct Alive {
    ok: bool,
}

/// `{"released": true}`.
#[derive(Serialize, ToSchema)]
struct Released {
    released: bool,
}

/// Trades an access code for a playback token.
#[utoipa::path(
    post,
    path = "/api/tokens/validate",
    tag = "seed 002 viewer",
    request_body = ValidateBody,
    responses(
        (status = 200, description = "The code is good: the event and a playback token", body = PlaybackGrant),
        (status = 400, description = "No code", body = ViewerErrorBody),
        (status = 401, description = "Unknown code", body = ViewerErrorBody),
        (status = 403, description = "Revoked code, or the event is off", body = ViewerErrorBody),
        (status = 409, description = "In use on another device (`inUse`)", body = ViewerErrorBody),
        (status = 410, description = "The code has expired", body = ViewerErrorBody),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = ViewerErrorBody),
    ),
)]
async fn validate(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<ValidateBody>, JsonRejection>,
) -> ViewerResult<PlaybackGrant> {
    // A body without a code reads as an empty code: the seed's 400, after the rate limit.
    let code = body.map(|Json(body)| body.code).unwrap_or_default();
    let base_url = state.playback_base.for_request(&headers);
    let validated = state
        .domain
        .playback()
        .validate(&code, Some(client.ip()), base_url)
        .await;
    metrics::counter!(VALIDATIONS, "outcome" => validation_outcome(&validated)).increment(1);
    Ok(Json(validated?))
}

/// `streamgate_validations_total`'s outcome: one word per way a validation ends.
fn validation_outcome(validated: &Result<PlaybackGrant, DomainError>) -> &'static str {
    match validated {
        Ok(_) => "ok",
        Err(DomainError::Playback(refusal)) => match refusal {
            PlaybackRefusal::CodeMissing => "code_missing",
            PlaybackRefusal::UnknownCode => "unknown_code",
            PlaybackRefusal::CodeRevoked => "revoked",
            PlaybackRefusal::EventUnavailable => "event_unavailable",
            PlaybackRefusal::InUse => "in_use",
            PlaybackRefusal::CodeExpired => "expired",
            PlaybackRefusal::TooManyValidations { .. } => "rate_limited",
            _ => "other",
        },
        Err(_) => "error",
    }
}

/// The playback token: `Authorization: Bearer …`, or `?token=` for `navigator.sendBeacon`,
/// which cannot set headers.
pub(super) fn playback_token(parts: &Parts) -> Result<String, ViewerError> {
    caller::bearer(&parts.headers)
        .map(str::to_owned)
        .or_else(|| caller::query_value(&parts.uri, &["token"]))
        .ok_or_else(|| PlaybackRefusal::InvalidToken.into())
}

/// A fresh playback token for the same session.
#[utoipa::path(
    post,
    path = "/api/playback/refresh",
    tag = "seed 002 viewer",
    security(("playbackToken" = [])),
    params(("token" = Option<String>, Query, description = "The playback token, where no header can be set")),
    responses(
        (status = 200, description = "The new token", body = RefreshedToken),
        (status = 401, description = "No valid playback token", body = ViewerErrorBody),
        (status = 403, description = "Access was revoked", body = ViewerErrorBody),
        (status = 404, description = "The session has ended", body = ViewerErrorBody),
        (status = 410, description = "Access has expired", body = ViewerErrorBody),
        (status = 429, description = "Too many refreshes; see `Retry-After`", body = ViewerErrorBody),
    ),
)]
async fn refresh(State(state): State<AppState>, parts: Parts) -> ViewerResult<RefreshedToken> {
    let token = playback_token(&parts)?;
    Ok(Json(state.domain.playback().refresh(&token).await?))
}

/// Keeps the playback session alive.
#[utoipa::path(
    post,
    path = "/api/playback/heartbeat",
    tag = "seed 002 viewer",
    security(("playbackToken" = [])),
    params(("token" = Option<String>, Query, description = "The playback token, where no header can be set")),
    responses(
        (status = 200, description = "Alive", body = Alive),
        (status = 401, description = "No valid playback token", body = ViewerErrorBody),
        (status = 403, description = "Access was revoked", body = ViewerErrorBody),
        (status = 404, description = "The session has ended", body = ViewerErrorBody),
    ),
)]
async fn heartbeat(State(state): State<AppState>, parts: Parts) -> ViewerResult<Alive> {
    let token = playback_token(&parts)?;
    state.domain.playback().heartbeat(&token).await?;
    Ok(Json(Alive { ok: true }))
}

/// Ends the playback session, so the code works on another device at once.
#[utoipa::path(
    post,
    path = "/api/playback/release",
    tag = "seed 002 viewer",
    security(("playbackToken" = [])),
    params(("token" = Option<String>, Query, description = "The playback token (`navigator.sendBeacon`)")),
    responses(
        (status = 200, description = "Released", body = Released),
        (status = 401, description = "No valid playback token", body = ViewerErrorBody),
    ),
)]
async fn release(State(state): State<AppState>, parts: Parts) -> ViewerResult<Released> {
    let token = playback_token(&parts)?;
    state.domain.playback().release(&token).await?;
    Ok(Json(Released { released: true }))
}

/// Where an event stands, for the waiting screen.
#[utoipa::path(
    get,
    path = "/api/events/{id}/status",
    tag = "seed 002 viewer",
    params(("id" = Uuid, Path, description = "The event")),
    responses(
        (status = 200, description = "The event's status and times", body = EventStatusReport),
        (status = 404, description = "No such event", body = ViewerErrorBody),
    ),
)]
async fn event_status(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
) -> ViewerResult<EventStatusReport> {
    let Ok(Path(id)) = id else {
        return Err(DomainError::NotFound { what: "Event" }.into());
    };
    Ok(Json(state.domain.playback().event_status(id).await?))
}
