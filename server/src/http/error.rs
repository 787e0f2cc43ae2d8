//! Domain errors in each door's wire format: seed 001's `{statusCode, message, error}` for
//! `/api/v1`, seed 002's `{"error": …}` for `/api/admin` and the viewers' public API.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;
use streamgate_domain::{DomainError, PlaybackRefusal};

/// The status a domain error maps to, and the message callers may see. Storage failures are
/// logged here and answered generically.
fn classify(err: &DomainError) -> (StatusCode, String) {
    let status =
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match err {
        DomainError::Storage(source) => {
            tracing::error!(error = %source, "storage failure");
            "Internal server error".to_owned()
        }
        other => other.to_string(),
    };
    (status, message)
}

/// A seed 001 error response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        let (status, message) = classify(&err);
        Self { status, message }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "statusCode": self.status.as_u16(),
            "message": self.message,
            "error": self.status.canonical_reason().unwrap_or("Error"),
        });
        (self.status, Json(body)).into_response()
    }
}

/// A seed 002 error response: `{"error": "…"}`.
#[derive(Debug)]
pub struct AdminError {
    pub status: StatusCode,
    pub message: String,
}

impl AdminError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl From<DomainError> for AdminError {
    fn from(err: DomainError) -> Self {
        let (status, message) = classify(&err);
        Self { status, message }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

/// A seed 002 public-API error: `{"error": …}` with the seed's wording, `"inUse": true` when
/// another device holds the code, and `Retry-After` on rate limits.
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
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// `{"data": …, "error": null}`: seed 001's success envelope.
pub fn envelope<T: serde::Serialize>(data: T) -> Json<serde_json::Value> {
    Json(json!({ "data": data, "error": null }))
}
