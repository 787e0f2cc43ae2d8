//! Seed 001's wire format for `/api/v1`: errors as `{statusCode, message, error}`, successes
//! in the `{data, error: null}` envelope.

use axum::{http::StatusCode, Json};
use serde::Serialize;
use serde_json::{json, Value};
use streamgate_domain::model::QuotaExceeded;
use utoipa::{
    openapi::{schema::Schema, security::SecurityRequirement, RefOr},
    ToSchema,
};

use super::PlatformApi;
use crate::http::{
    openapi::{op::object, op::of_type, op::DoorDoc, security, Envelope},
    shared::error::{DoorError, WireFormat},
};

/// Seed 001's error body.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorBody {
    /// The HTTP status, again.
    #[schema(example = 404)]
    pub status_code: u16,
    #[schema(example = "Event not found")]
    pub message: String,
    /// The status's reason phrase.
    #[schema(example = "Not Found")]
    pub error: String,
}

impl WireFormat for PlatformApi {
    fn body(status: StatusCode, message: &str) -> Value {
        let body = ApiErrorBody {
            status_code: status.as_u16(),
            message: message.to_owned(),
            error: status.canonical_reason().unwrap_or("Error").to_owned(),
        };
        serde_json::to_value(body).expect("error bodies serialize")
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
    let body = Envelope { data, error: () };
    Json(serde_json::to_value(body).expect("domain types serialize"))
}

impl DoorDoc for PlatformApi {
    const OPERATION_PREFIX: &'static str = "";
    type ErrorBody = ApiErrorBody;

    fn tag(area: &str) -> String {
        area.to_owned()
    }

    /// An API token or JWT, or the dashboard's session.
    fn security() -> Vec<SecurityRequirement> {
        let scheme = |name| SecurityRequirement::new::<_, [&str; 0], &str>(name, []);
        vec![scheme(security::BEARER), scheme(security::SESSION)]
    }

    fn success(data: RefOr<Schema>) -> RefOr<Schema> {
        object(&[
            ("data", data),
            ("error", of_type(utoipa::openapi::schema::Type::Null)),
        ])
    }
}
