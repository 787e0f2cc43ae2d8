//! `/api/v1/accounts`: the accounts (tenants) with their quotas, and what each uses of them.

use axum::{extract::rejection::JsonRejection, http::StatusCode, routing::get, Json, Router};
use serde_json::Value;
use streamgate_domain::model::{AccountPatch, NewAccount};

use super::{body, error::envelope, error::ApiError, PlatformApi};
use crate::http::{
    shared::door::{Call, OfAccount, PathId},
    AppState,
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list_accounts).post(create_account))
        .route("/accounts/{id}", get(get_account).patch(update_account))
        .route("/accounts/{id}/usage", get(usage))
}

async fn list_accounts(call: Call<PlatformApi>) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(accounts.account_list(&call.principal).await?))
}

async fn create_account(
    call: Call<PlatformApi>,
    input: Result<Json<NewAccount>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let input = body(input)?;
    let accounts = call.domain.accounts();
    let created = accounts.create_account(&call.principal, input, call.ip);
    Ok((StatusCode::CREATED, envelope(created.await?)))
}

async fn get_account(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfAccount>,
) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(accounts.account(&call.principal, id).await?))
}

/// A new name and new quotas in one request are one change, audited part by part.
async fn update_account(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfAccount>,
    patch: Result<Json<AccountPatch>, JsonRejection>,
) -> ApiResult {
    let patch = body(patch)?;
    let accounts = call.domain.accounts();
    let updated = accounts.update_account(&call.principal, id, patch, call.ip);
    Ok(envelope(updated.await?))
}

async fn usage(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfAccount>,
) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(accounts.usage(&call.principal, id).await?))
}
