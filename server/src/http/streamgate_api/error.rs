//! Seed 002's wire format: `{"error": …}` bodies, with the public viewer API's extras
//! (`"inUse": true` when another device holds the code, `Retry-After` on rate limits).

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};
use streamgate_domain::{DomainError, PlaybackRefusal};

use super::Seed002;
use crate::http::shared::error::{classify, DoorError, WireFormat};

impl WireFormat for Seed002 {
    fn body(_: StatusCode, message: &str) -> Value {
        json!({ "error": message })
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
        let (status, message) = classify(&self.0);
        let DomainError::Playback(refusal) = self.0 else {
            return (status, Json(json!({ "error": message }))).into_response();
        };
        let body = if refusal == PlaybackRefusal::InUse {
            json!({ "error": message, "inUse": true })
        } else {
            json!({ "error": message })
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = refusal.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
