//! Seed 002's public API for viewers: trade a code for a playback token, keep the session
//! alive, refresh, release, and read an event's status. Bodies and statuses verbatim; no
//! sign-in (the code, then the playback token, is the credential).

use std::net::SocketAddr;

use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, Path, State},
    http::{request::Parts, HeaderMap},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};
use streamgate_domain::{
    model::{EventStatusReport, PlaybackGrant, RefreshedToken},
    DomainError, PlaybackRefusal,
};
use url::Url;
use uuid::Uuid;

use super::error::ViewerError;
use crate::http::{
    metrics::VALIDATIONS,
    shared::{caller, origin::origin_of},
    AppState,
};

type ViewerResult<T> = Result<Json<T>, ViewerError>;

/// `POST /api/tokens/validate`'s body.
#[derive(Deserialize)]
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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/tokens/validate", post(validate))
        .route("/api/playback/refresh", post(refresh))
        .route("/api/playback/heartbeat", post(heartbeat))
        .route("/api/playback/release", post(release))
        .route("/api/events/{id}/status", get(event_status))
}

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
fn playback_token(parts: &Parts) -> Result<String, ViewerError> {
    caller::bearer(&parts.headers)
        .map(str::to_owned)
        .or_else(|| caller::query_value(&parts.uri, &["token"]))
        .ok_or_else(|| PlaybackRefusal::InvalidToken.into())
}

async fn refresh(State(state): State<AppState>, parts: Parts) -> ViewerResult<RefreshedToken> {
    let token = playback_token(&parts)?;
    Ok(Json(state.domain.playback().refresh(&token).await?))
}

async fn heartbeat(State(state): State<AppState>, parts: Parts) -> ViewerResult<Value> {
    let token = playback_token(&parts)?;
    state.domain.playback().heartbeat(&token).await?;
    Ok(Json(json!({ "ok": true })))
}

async fn release(State(state): State<AppState>, parts: Parts) -> ViewerResult<Value> {
    let token = playback_token(&parts)?;
    state.domain.playback().release(&token).await?;
    Ok(Json(json!({ "released": true })))
}

async fn event_status(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
) -> ViewerResult<EventStatusReport> {
    let Ok(Path(id)) = id else {
        return Err(DomainError::NotFound { what: "Event" }.into());
    };
    Ok(Json(state.domain.playback().event_status(id).await?))
}
