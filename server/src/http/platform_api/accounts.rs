//! `/api/v1/accounts`: the accounts (tenants) with their quotas, and what each uses of them.

use axum::{extract::rejection::JsonRejection, http::StatusCode, Json};
use serde_json::Value;
use streamgate_domain::model::{AccountDetails, AccountPatch, AccountUsage, NewAccount};
use utoipa_axum::routes;

use super::{body, error::envelope, error::ApiError, error::ApiErrorBody, PlatformApi};
use crate::http::{
    openapi::{ApiRoutes, Envelope},
    shared::door::{Call, OfAccount, PathId},
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, update_account))
        .routes(routes!(usage))
}

/// Every account for the superadmin; a member's own account.
#[utoipa::path(
    get,
    path = "/accounts",
    tag = "accounts",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The accounts with their quotas", body = Envelope<Vec<AccountDetails>>),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
    ),
)]
async fn list_accounts(call: Call<PlatformApi>) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(accounts.account_list(&call.principal).await?))
}

/// A new account and its first owner (the superadmin only).
#[utoipa::path(
    post,
    path = "/accounts",
    tag = "accounts",
    security(("bearer" = []), ("session" = [])),
    request_body = NewAccount,
    responses(
        (status = 201, description = "The new account", body = Envelope<AccountDetails>),
        (status = 400, description = "No valid body", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not the superadmin", body = ApiErrorBody),
        (status = 409, description = "The owner's email is taken", body = ApiErrorBody),
    ),
)]
async fn create_account(
    call: Call<PlatformApi>,
    input: Result<Json<NewAccount>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let input = body(input)?;
    let accounts = call.domain.accounts();
    let created = accounts.create_account(&call.principal, input, call.ip);
    Ok((StatusCode::CREATED, envelope(created.await?)))
}

/// One account with its quotas.
#[utoipa::path(
    get,
    path = "/accounts/{id}",
    tag = "accounts",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "The account")),
    responses(
        (status = 200, description = "The account", body = Envelope<AccountDetails>),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 404, description = "No such account (or another's)", body = ApiErrorBody),
    ),
)]
async fn get_account(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfAccount>,
) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(accounts.account(&call.principal, id).await?))
}

/// A new name (owners) and new quotas (the superadmin) in one request are one change, audited
/// part by part.
#[utoipa::path(
    patch,
    path = "/accounts/{id}",
    tag = "accounts",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "The account")),
    request_body = AccountPatch,
    responses(
        (status = 200, description = "The changed account", body = Envelope<AccountDetails>),
        (status = 400, description = "No valid body or id", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not an owner, or quotas from anyone but the superadmin", body = ApiErrorBody),
        (status = 404, description = "No such account (or another's)", body = ApiErrorBody),
    ),
)]
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

/// The account's quotas and what it uses of them.
#[utoipa::path(
    get,
    path = "/accounts/{id}/usage",
    tag = "accounts",
    security(("bearer" = []), ("session" = [])),
    params(("id" = uuid::Uuid, Path, description = "The account")),
    responses(
        (status = 200, description = "Quotas and usage", body = Envelope<AccountUsage>),
        (status = 400, description = "The id is not a UUID", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
        (status = 404, description = "No such account (or another's)", body = ApiErrorBody),
    ),
)]
async fn usage(
    call: Call<PlatformApi>,
    PathId(id, _): PathId<PlatformApi, OfAccount>,
) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(accounts.usage(&call.principal, id).await?))
}
