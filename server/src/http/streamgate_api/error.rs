//! Seed 002's wire format: `{"error": …}` bodies, with the public viewer API's extras
//! (`"inUse": true` when another device holds the code, `Retry-After` on rate limits).

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use serde_json::Value;
use streamgate_domain::{DomainError, PlaybackRefusal};
use utoipa::ToSchema;

use super::Seed002;
use crate::http::shared::error::{classify, DoorError, WireFormat};

/// Seed 002's error body.
#[derive(Serialize, ToSchema)]
pub struct AdminErrorBody {
    #[schema(example = "Unauthorized")]
    pub error: String,
}

/// Seed 002's public API error body: `inUse` when another device is watching with the code.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViewerErrorBody {
    #[schema(example = "This code is in use on another device")]
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_use: Option<bool>,
}

impl WireFormat for Seed002 {
    fn body(_: StatusCode, message: &str) -> Value {
        let body = AdminErrorBody {
            error: message.to_owned(),
        };
        serde_json::to_value(body).expect("error bodies serialize")
    }
}

/// A seed 002 error response: `{"error": "…"}`.
pub type AdminError = DoorError<Seed002>;

/// A seed 002 public-API error, with the seed's wording.
#[derive(Debug)]
pub struct ViewerError(pub DomainError);

impl From<DomainError> for ViewerError {
    fn from(err: DomainError) -> Self {
        Self(err)
    }
}

impl From<PlaybackRefusal> for ViewerError {
    fn from(refusal: PlaybackRefusal) -> Self {
        Self(refusal.into())
    }
}

impl IntoResponse for ViewerError {
    fn into_response(self) -> Response {
        let (status, error) = classify(&self.0);
        let refusal = match self.0 {
            DomainError::Playback(refusal) => Some(refusal),
            _ => None,
        };
        let in_use = refusal == Some(PlaybackRefusal::InUse);
        let body = ViewerErrorBody {
            error,
            in_use: in_use.then_some(true),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = refusal.and_then(PlaybackRefusal::retry_after_secs) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
