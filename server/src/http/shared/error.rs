//! Errors in a door's wire format. The status and public message of a domain error are worked
//! out once here; each door only says how its body looks ([`WireFormat`]), so its middleware,
//! extractors and handlers all answer alike.

use std::marker::PhantomData;

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::Value;
use streamgate_domain::{model::QuotaExceeded, DomainError};

/// The status a domain error maps to, and the message callers may see. Storage failures are
/// logged here and answered generically.
pub fn classify(err: &DomainError) -> (StatusCode, String) {
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

/// How one door writes an error body.
pub trait WireFormat: Send + Sync + 'static {
    fn body(status: StatusCode, message: &str) -> Value;

    /// The body of a refusal over quota; by default the plain body with the error's message.
    fn over_quota(status: StatusCode, message: &str, _exceeded: &QuotaExceeded) -> Value {
        Self::body(status, message)
    }
}

/// A refusal in the wire format `W`: a status and the message shown.
pub struct DoorError<W> {
    pub status: StatusCode,
    pub message: String,
    /// Set when the refusal is over quota, for the doors that spell out the numbers.
    pub quota: Option<QuotaExceeded>,
    format: PhantomData<W>,
}

impl<W> DoorError<W> {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            quota: None,
            format: PhantomData,
        }
    }
}

impl<W> std::fmt::Debug for DoorError<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

impl<W> From<DomainError> for DoorError<W> {
    fn from(err: DomainError) -> Self {
        let (status, message) = classify(&err);
        let quota = match err {
            DomainError::QuotaExceeded(exceeded) => Some(exceeded),
            _ => None,
        };
        Self {
            quota,
            ..Self::new(status, message)
        }
    }
}

impl<W: WireFormat> IntoResponse for DoorError<W> {
    fn into_response(self) -> Response {
        let body = match &self.quota {
            Some(exceeded) => W::over_quota(self.status, &self.message, exceeded),
            None => W::body(self.status, &self.message),
        };
        (self.status, Json(body)).into_response()
    }
}

/// What shared middleware and extractors need of a door's error.
pub trait Refusal: From<DomainError> + IntoResponse + Send + 'static {
    fn refusal(status: StatusCode, message: impl Into<String>) -> Self;

    fn respond(status: StatusCode, message: impl Into<String>) -> Response {
        Self::refusal(status, message).into_response()
    }
}

impl<W: WireFormat> Refusal for DoorError<W> {
    fn refusal(status: StatusCode, message: impl Into<String>) -> Self {
        Self::new(status, message)
    }
}
