//! Seed 001's wire format for `/api/v1`: errors as `{statusCode, message, error}`, successes
//! in the `{data, error: null}` envelope.

use axum::{http::StatusCode, Json};
use serde_json::{json, Value};
use streamgate_domain::model::QuotaExceeded;

use super::PlatformApi;
use crate::http::shared::error::{DoorError, WireFormat};

impl WireFormat for PlatformApi {
    fn body(status: StatusCode, message: &str) -> Value {
        json!({
            "statusCode": status.as_u16(),
            "message": message,
            "error": status.canonical_reason().unwrap_or("Error"),
        })
    }

    /// Seed 001's quota refusal: a fixed message, with which limit was reached and how far.
    fn over_quota(status: StatusCode, _: &str, exceeded: &QuotaExceeded) -> Value {
        let mut body = Self::body(status, "quota_exceeded");
        body["metric"] = json!(exceeded.metric);
        body["limit"] = json!(exceeded.limit);
        body["used"] = json!(exceeded.used);
        body
    }
}

/// A seed 001 error response.
pub type ApiError = DoorError<PlatformApi>;

/// `{"data": …, "error": null}`: seed 001's success envelope.
pub fn envelope<T: serde::Serialize>(data: T) -> Json<Value> {
    Json(json!({ "data": data, "error": null }))
}
