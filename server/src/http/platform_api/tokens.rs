//! `/api/v1/tokens`: minting, listing and revoking `sk_` API tokens.

use axum::{extract::rejection::JsonRejection, http::StatusCode, Json};
use serde_json::Value;
use streamgate_domain::model::{ApiToken, MintedApiToken, NewApiToken};
use utoipa_axum::routes;

use super::{body, error::envelope, error::ApiError, error::ApiErrorBody, PlatformApi};
use crate::http::{
    openapi::{ApiRoutes, Envelope},
    shared::door::{Call, OfApiToken, PathId},
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .routes(routes!(list_tokens, mint_token))
        .routes(routes!(revoke_token))
}

/// Mints a token: the only answer that carries the token itself.
#[utoipa::path(
    post,
    path = "/tokens",
    tag = "tokens",
    security(("bearer" = []), ("session" = [])),
    request_body = NewApiToken,
    responses(
        (status = 201, description = "The token, shown this once", body = Envelope<MintedApiToken>),
        (status = 400, description = "No valid body", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed: the permission, a global token from a member, or a role above the minter's", body = ApiErrorBody),
        (status = 404, description = "No such account", body = ApiErrorBody),
    ),
)]
async fn mint_token(
    call: Call<PlatformApi>,
    input: Result<Json<NewApiToken>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let asked = body(input)?;
    let tokens = call.domain.api_tokens();
    let minted = tokens.mint(&call.principal, asked, call.ip).await?;
    Ok((StatusCode::CREATED, envelope(minted)))
}

/// The account's tokens (the superadmin's: every token), never the tokens themselves.
#[utoipa::path(
    get,
    path = "/tokens",
    tag = "tokens",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The tokens, oldest first", body = Envelope<Vec<ApiToken>>),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
    ),
)]
async fn list_tokens(call: Call<PlatformApi>) -> ApiResult {
    Ok(envelope(
        call.domain.api_tokens().list(&call.principal).await?,
    ))
}

/// Revokes a token: refused at once here, within 5 seconds on other instances.
#[utoipa::path(
    delete,
    path = "/tokens/{id}",
    tag = "tokens",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "The token")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
        (status = 404, description = "No such token", body = ApiErrorBody),
    ),
)]
async fn revoke_token(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfApiToken>,
) -> ApiResult<StatusCode> {
    let tokens = call.domain.api_tokens();
    tokens.revoke(&call.principal, id, call.ip).await?;
    Ok(StatusCode::NO_CONTENT)
}
