//! `/api/v1/users` and `/api/v1/audit`: an account's team and its audit trail.

use axum::{extract::rejection::JsonRejection, http::StatusCode, Json};
use serde::Deserialize;
use serde_json::Value;
use streamgate_domain::model::{AuditEntry, Member, MemberChange, NewMember};
use utoipa::ToSchema;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{
    body, error::envelope, error::ApiError, error::ApiErrorBody, AskedAccount, PlatformApi,
};
use crate::http::{
    openapi::{ApiRoutes, Envelope},
    shared::door::{Call, OfUser, PathId},
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .routes(routes!(list_users, add_user))
        .routes(routes!(update_user))
        .routes(routes!(audit))
}

/// The account's members.
#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    security(("bearer" = []), ("session" = [])),
    params(("accountId" = Option<Uuid>, Query, description = "The superadmin names the account")),
    responses(
        (status = 200, description = "The members", body = Envelope<Vec<Member>>),
        (status = 400, description = "A bad `accountId`", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
        (status = 404, description = "No such account", body = ApiErrorBody),
    ),
)]
async fn list_users(call: Call<PlatformApi>, AskedAccount(asked): AskedAccount) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(accounts.members(&call.principal, asked).await?))
}

/// A new member; the superadmin names the account, members add to their own.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct NewUser {
    #[serde(flatten)]
    member: NewMember,
    account_id: Option<Uuid>,
}

/// Adds a member to an account.
#[utoipa::path(
    post,
    path = "/users",
    tag = "users",
    security(("bearer" = []), ("session" = [])),
    request_body = NewUser,
    responses(
        (status = 201, description = "The new member", body = Envelope<Member>),
        (status = 400, description = "No valid body", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
        (status = 404, description = "No such account", body = ApiErrorBody),
        (status = 409, description = "The email is taken", body = ApiErrorBody),
    ),
)]
async fn add_user(
    call: Call<PlatformApi>,
    input: Result<Json<NewUser>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let NewUser { member, account_id } = body(input)?;
    let accounts = call.domain.accounts();
    let created = accounts.add_member(&call.principal, account_id, member, call.ip);
    Ok((StatusCode::CREATED, envelope(created.await?)))
}

/// A role and an active change in one request are one audited change.
#[utoipa::path(
    patch,
    path = "/users/{id}",
    tag = "users",
    security(("bearer" = []), ("session" = [])),
    params(("id" = Uuid, Path, description = "The user")),
    request_body = MemberChange,
    responses(
        (status = 200, description = "The changed member", body = Envelope<Member>),
        (status = 400, description = "No valid body or id", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
        (status = 404, description = "No such member", body = ApiErrorBody),
    ),
)]
async fn update_user(
    call: Call<PlatformApi>,
    PathId(user_id, _): PathId<PlatformApi, OfUser>,
    change: Result<Json<MemberChange>, JsonRejection>,
) -> ApiResult {
    let change = body(change)?;
    let accounts = call.domain.accounts();
    let member = accounts.update_member(&call.principal, user_id, change, call.ip);
    Ok(envelope(member.await?))
}

/// The account's audit trail, the latest first.
#[utoipa::path(
    get,
    path = "/audit",
    tag = "audit",
    security(("bearer" = []), ("session" = [])),
    params(("accountId" = Option<Uuid>, Query, description = "The superadmin names the account")),
    responses(
        (status = 200, description = "The entries", body = Envelope<Vec<AuditEntry>>),
        (status = 400, description = "A bad `accountId`", body = ApiErrorBody),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
        (status = 404, description = "No such account", body = ApiErrorBody),
    ),
)]
async fn audit(call: Call<PlatformApi>, AskedAccount(asked): AskedAccount) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(
        accounts.audit_trail(&call.principal, asked).await?,
    ))
}
