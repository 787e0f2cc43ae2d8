//! `/api/v1/tips`: the account's StreamElements tips, listed newest first, and followed live as
//! Server-Sent Events (`/tips/stream`, the dashboard's feed).

use axum::{
    extract::{rejection::QueryRejection, Query},
    http::StatusCode,
    response::IntoResponse,
    Json,
};
use serde::Deserialize;
use serde_json::Value;
use streamgate_domain::{
    model::{SePlatform, Tip, TipQuery},
    DomainError,
};
use utoipa::IntoParams;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{error::envelope, error::ApiError, error::ApiErrorBody, AskedAccount, PlatformApi};
use crate::http::{
    openapi::{ApiRoutes, Envelope},
    shared::{door::Call, event_input::parse_time, tip_events::tip_events},
};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .routes(routes!(list_tips))
        .routes(routes!(tip_stream))
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct TipParams {
    /// Only tips made after this time (RFC 3339).
    since: Option<String>,
    /// Only tips made before this time (RFC 3339): the next page starts before the last tip's
    /// `createdAt`.
    before: Option<String>,
    /// At most this many (1 to 500; default 50).
    limit: Option<u32>,
    /// Only this platform's tips.
    platform: Option<String>,
    /// The superadmin names the account.
    account_id: Option<Uuid>,
}

impl TipParams {
    fn query(&self) -> Result<TipQuery, DomainError> {
        let at = |field: &'static str, text: &Option<String>| {
            text.as_deref()
                .map(|text| parse_time(field, text))
                .transpose()
        };
        Ok(TipQuery {
            since: at("since", &self.since)?,
            before: at("before", &self.before)?,
            platform: self
                .platform
                .as_deref()
                .map(SePlatform::from_field)
                .transpose()?,
            limit: self.limit.unwrap_or(TipQuery::DEFAULT_LIMIT),
        })
    }
}

/// The account's tips, newest first.
#[utoipa::path(
    get,
    path = "/tips",
    tag = "streamelements",
    security(("bearer" = []), ("session" = [])),
    params(TipParams),
    responses(
        (status = 200, description = "The tips", body = Envelope<Vec<Tip>>),
        (status = 400, description = "A bad `since`, `before`, `limit` or `platform`", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Missing `tips:read`", body = ApiErrorBody),
    ),
)]
async fn list_tips(
    call: Call<PlatformApi>,
    params: Result<Query<TipParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params
        .map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))?;
    let query = params.query()?;
    let tips = call.domain.tips();
    Ok(envelope(
        tips.list(&call.principal, params.account_id, query).await?,
    ))
}

/// Tips as they arrive: one `tip` event each (its data a tip as `/tips` lists it).
#[utoipa::path(
    get,
    path = "/tips/stream",
    tag = "streamelements",
    security(("bearer" = []), ("session" = [])),
    params(("accountId" = Option<Uuid>, Query, description = "The superadmin names the account")),
    responses(
        (status = 200, description = "A `text/event-stream` of `tip` events", content_type = "text/event-stream", body = Tip),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Missing `tips:read`", body = ApiErrorBody),
    ),
)]
async fn tip_stream(
    call: Call<PlatformApi>,
    AskedAccount(asked): AskedAccount,
) -> Result<impl IntoResponse, ApiError> {
    let feed = call.domain.tips().follow(&call.principal, asked).await?;
    Ok(tip_events(feed))
}
