//! `/api/v1/se-tokens` (seed 000): an account's StreamElements tokens, shown by their hint.

use axum::{extract::rejection::JsonRejection, http::StatusCode, Json};
use serde_json::Value;
use streamgate_domain::model::{NewSeToken, SeToken};
use utoipa_axum::routes;

use super::{
    body, error::envelope, error::ApiError, error::ApiErrorBody, AskedAccount, PlatformApi,
};
use crate::http::{
    openapi::{ApiRoutes, Envelope},
    shared::door::{Call, OfSeToken, PathId},
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .routes(routes!(list_se_tokens, create_se_token))
        .routes(routes!(delete_se_token))
}

/// The account's tokens by platform, masked, each with its worker's status.
#[utoipa::path(
    get,
    path = "/se-tokens",
    tag = "streamelements",
    security(("bearer" = []), ("session" = [])),
    params(("accountId" = Option<uuid::Uuid>, Query, description = "The superadmin names the account")),
    responses(
        (status = 200, description = "The tokens", body = Envelope<Vec<SeToken>>),
        (status = 400, description = "A bad `accountId`", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Missing `se-tokens:read`", body = ApiErrorBody),
    ),
)]
async fn list_se_tokens(call: Call<PlatformApi>, AskedAccount(asked): AskedAccount) -> ApiResult {
    let tokens = call.domain.se_tokens();
    Ok(envelope(tokens.list(&call.principal, asked).await?))
}

/// Stores the account's token for a platform (replacing one there) and starts its worker.
#[utoipa::path(
    post,
    path = "/se-tokens",
    tag = "streamelements",
    security(("bearer" = []), ("session" = [])),
    params(("accountId" = Option<uuid::Uuid>, Query, description = "The superadmin names the account")),
    request_body = NewSeToken,
    responses(
        (status = 201, description = "The stored token, masked", body = Envelope<SeToken>),
        (status = 400, description = "An unknown platform, an empty token, or no valid body", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Missing `se-tokens:create`", body = ApiErrorBody),
    ),
)]
async fn create_se_token(
    call: Call<PlatformApi>,
    AskedAccount(asked): AskedAccount,
    input: Result<Json<NewSeToken>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let input = body(input)?;
    let tokens = call.domain.se_tokens();
    let stored = tokens
        .create(&call.principal, asked, input, call.ip)
        .await?;
    Ok((StatusCode::CREATED, envelope(stored)))
}

/// Deletes a token; the account's last one stops its worker.
#[utoipa::path(
    delete,
    path = "/se-tokens/{id}",
    tag = "streamelements",
    security(("bearer" = []), ("session" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The token"),
        ("accountId" = Option<uuid::Uuid>, Query, description = "The superadmin names the account"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Missing `se-tokens:delete`", body = ApiErrorBody),
        (status = 404, description = "No such token in the account", body = ApiErrorBody),
    ),
)]
async fn delete_se_token(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfSeToken>,
    AskedAccount(asked): AskedAccount,
) -> ApiResult<StatusCode> {
    let tokens = call.domain.se_tokens();
    tokens.delete(&call.principal, asked, id, call.ip).await?;
    Ok(StatusCode::NO_CONTENT)
}
