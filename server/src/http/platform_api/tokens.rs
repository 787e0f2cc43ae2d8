//! `/api/v1/tokens`: minting, listing and revoking `sk_` API tokens.

use axum::{
    extract::rejection::JsonRejection,
    http::StatusCode,
    routing::{delete, get},
    Json, Router,
};
use serde_json::Value;
use streamgate_domain::model::NewApiToken;

use super::{body, error::envelope, error::ApiError, PlatformApi};
use crate::http::{
    shared::door::{Call, OfApiToken, PathId},
    AppState,
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list_tokens).post(mint_token))
        .route("/tokens/{id}", delete(revoke_token))
}

/// The only answer that carries the token itself.
async fn mint_token(
    call: Call<PlatformApi>,
    input: Result<Json<NewApiToken>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let asked = body(input)?;
    let tokens = call.domain.api_tokens();
    let minted = tokens.mint(&call.principal, asked, call.ip).await?;
    Ok((StatusCode::CREATED, envelope(minted)))
}

async fn list_tokens(call: Call<PlatformApi>) -> ApiResult {
    Ok(envelope(
        call.domain.api_tokens().list(&call.principal).await?,
    ))
}

async fn revoke_token(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfApiToken>,
) -> ApiResult<StatusCode> {
    let tokens = call.domain.api_tokens();
    tokens.revoke(&call.principal, id, call.ip).await?;
    Ok(StatusCode::NO_CONTENT)
}
