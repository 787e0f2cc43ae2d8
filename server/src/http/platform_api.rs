//! `/api/v1`: the platform API for integrators, in seed 001's conventions: `{data, error}`
//! envelopes, `{statusCode, message, error}` errors, credentials resolved by [`caller`].

use std::net::SocketAddr;

use axum::{
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        ConnectInfo, Path, Query, State,
    },
    http::StatusCode,
    routing::{get, patch, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};
use streamgate_domain::model::{NewMember, Role};
use uuid::Uuid;

use super::{
    caller::Caller,
    error::{envelope, ApiError},
    login::{self, LoginRefused},
    AppState,
};

type ApiResult = Result<Json<serde_json::Value>, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/auth/me", get(me))
        .route("/auth/password", post(change_password))
        .route("/users", get(list_users).post(add_user))
        .route("/users/{id}", patch(update_user))
        .route("/audit", get(audit))
        .merge(super::platform_events::router())
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "Cannot find this route") })
}

/// Seed 001's liveness body; returned bare, without the `{data, error}` envelope.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Health {
    status: &'static str,
    up: bool,
    version: &'static str,
    ts: String,
    uptime_seconds: u64,
}

async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        up: true,
        version: env!("CARGO_PKG_VERSION"),
        ts: streamgate_domain::model::time::format(&streamgate_domain::model::time::now()),
        uptime_seconds: state.started_at.elapsed().as_secs(),
    })
}

/// A JSON body, or seed 001's 400 saying what is wrong with it.
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(value)| value)
        .map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))
}

fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(value)| value)
        .map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))
}

fn path_id(path: Result<Path<Uuid>, PathRejection>) -> Result<Uuid, ApiError> {
    path.map(|Path(id)| id)
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "The id in the path must be a UUID"))
}

#[derive(Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

#[derive(Serialize)]
struct TokenData {
    token: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    input: Result<Json<LoginBody>, JsonRejection>,
) -> ApiResult {
    let input = body(input)?;
    let subject = login::attempt(&state, peer.ip(), Some(&input.email), &input.password)
        .await
        .map_err(|refused| match refused {
            LoginRefused::TooManyAttempts => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many login attempts")
            }
            LoginRefused::InvalidCredentials => {
                ApiError::new(StatusCode::UNAUTHORIZED, "Invalid email or password")
            }
            LoginRefused::Failed(err) => err.into(),
        })?;
    let token = state.domain.auth().issue_token(subject);
    Ok(envelope(TokenData { token }))
}

async fn me(State(state): State<AppState>, Caller(principal): Caller) -> ApiResult {
    Ok(envelope(state.domain.auth().me(&principal).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    input: Result<Json<PasswordChange>, JsonRejection>,
) -> ApiResult {
    let input = body(input)?;
    state
        .domain
        .accounts()
        .change_own_password(
            &principal,
            &input.current_password,
            &input.new_password,
            Some(peer.ip()),
        )
        .await?;
    Ok(envelope(serde_json::json!({ "changed": true })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountQuery {
    /// The superadmin names the account; members get their own (naming another is a 404).
    account_id: Option<Uuid>,
}

async fn list_users(
    State(state): State<AppState>,
    Caller(principal): Caller,
    asked: Result<Query<AccountQuery>, QueryRejection>,
) -> ApiResult {
    let account_id = query(asked)?.account_id;
    let members = state
        .domain
        .accounts()
        .members(&principal, account_id)
        .await?;
    Ok(envelope(members))
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
    Caller(principal): Caller,
    input: Result<Json<NewUser>, JsonRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
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

async fn update_user(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    user_id: Result<Path<Uuid>, PathRejection>,
    input: Result<Json<UserChange>, JsonRejection>,
) -> ApiResult {
    let user_id = path_id(user_id)?;
    let input = body(input)?;
    let accounts = state.domain.accounts();
    let ip = Some(peer.ip());
    let mut member = None;
    if let Some(role) = input.role {
        member = Some(accounts.change_role(&principal, user_id, role, ip).await?);
    }
    if let Some(active) = input.is_active {
        member = Some(accounts.set_active(&principal, user_id, active, ip).await?);
    }
    let member = member.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "Nothing to change: send role and/or isActive",
        )
    })?;
    Ok(envelope(member))
}

async fn audit(
    State(state): State<AppState>,
    Caller(principal): Caller,
    asked: Result<Query<AccountQuery>, QueryRejection>,
) -> ApiResult {
    let entries = state
        .domain
        .accounts()
        .audit_trail(&principal, query(asked)?.account_id)
        .await?;
    Ok(envelope(entries))
}
