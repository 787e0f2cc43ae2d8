//! `/api/v1/users` and `/api/v1/audit`: an account's team and its audit trail.

use std::net::SocketAddr;

use axum::{
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        ConnectInfo, Path, Query, State,
    },
    http::StatusCode,
    routing::{get, patch},
    Json, Router,
};
use serde::Deserialize;
use serde_json::Value;
use streamgate_domain::model::{MemberChange, NewMember, Role};
use uuid::Uuid;

use super::{body, error::envelope, error::ApiError, query, PlatformApi};
use crate::http::{
    shared::event_routes::{path_id, Caller, IdKind},
    AppState,
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users).post(add_user))
        .route("/users/{id}", patch(update_user))
        .route("/audit", get(audit))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountQuery {
    /// The superadmin names the account; members get their own (naming another is a 404).
    account_id: Option<Uuid>,
}

async fn list_users(
    State(state): State<AppState>,
    Caller(principal, _): Caller<PlatformApi>,
    asked: Result<Query<AccountQuery>, QueryRejection>,
) -> ApiResult {
    let account_id = query(asked)?.account_id;
    let accounts = state.domain.accounts();
    Ok(envelope(accounts.members(&principal, account_id).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewUser {
    #[serde(flatten)]
    member: NewMember,
    /// The superadmin names the account; members add to their own.
    account_id: Option<Uuid>,
}

async fn add_user(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<PlatformApi>,
    input: Result<Json<NewUser>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let input = body(input)?;
    let created = state
        .domain
        .accounts()
        .add_member(&principal, input.account_id, input.member, Some(peer.ip()))
        .await?;
    Ok((StatusCode::CREATED, envelope(created)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserChange {
    role: Option<Role>,
    is_active: Option<bool>,
}

/// A role and an active change in one request are one audited change.
async fn update_user(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<PlatformApi>,
    user_id: Result<Path<Uuid>, PathRejection>,
    input: Result<Json<UserChange>, JsonRejection>,
) -> ApiResult {
    let user_id = path_id::<PlatformApi>(user_id, IdKind::User)?;
    let input = body(input)?;
    let change = MemberChange {
        role: input.role,
        is_active: input.is_active,
    };
    let member = state
        .domain
        .accounts()
        .update_member(&principal, user_id, change, Some(peer.ip()))
        .await?;
    Ok(envelope(member))
}

async fn audit(
    State(state): State<AppState>,
    Caller(principal, _): Caller<PlatformApi>,
    asked: Result<Query<AccountQuery>, QueryRejection>,
) -> ApiResult {
    let account_id = query(asked)?.account_id;
    let accounts = state.domain.accounts();
    Ok(envelope(
        accounts.audit_trail(&principal, account_id).await?,
    ))
}
