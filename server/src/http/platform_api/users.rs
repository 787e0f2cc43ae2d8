//! `/api/v1/users` and `/api/v1/audit`: an account's team and its audit trail.

use axum::{
    extract::{rejection::JsonRejection, FromRequestParts, Query},
    http::{request::Parts, StatusCode},
    routing::{get, patch},
    Json, Router,
};
use serde::Deserialize;
use serde_json::Value;
use streamgate_domain::model::{MemberChange, NewMember};
use uuid::Uuid;

use super::{body, error::envelope, error::ApiError, PlatformApi};
use crate::http::{
    shared::door::{Call, OfUser, PathId},
    AppState,
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users).post(add_user))
        .route("/users/{id}", patch(update_user))
        .route("/audit", get(audit))
}

/// `?accountId=`: the superadmin names the account; members get their own (naming another is
/// a 404).
struct AskedAccount(Option<Uuid>);

impl<S: Send + Sync> FromRequestParts<S> for AskedAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct AccountQuery {
            account_id: Option<Uuid>,
        }
        let Query(asked) = Query::<AccountQuery>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))?;
        Ok(AskedAccount(asked.account_id))
    }
}

async fn list_users(call: Call<PlatformApi>, AskedAccount(asked): AskedAccount) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(accounts.members(&call.principal, asked).await?))
}

/// A new member; the superadmin names the account, members add to their own.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewUser {
    #[serde(flatten)]
    member: NewMember,
    account_id: Option<Uuid>,
}

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

async fn audit(call: Call<PlatformApi>, AskedAccount(asked): AskedAccount) -> ApiResult {
    let accounts = call.domain.accounts();
    Ok(envelope(
        accounts.audit_trail(&call.principal, asked).await?,
    ))
}
