//! `/api/v1/auth`: signing in for a dashboard JWT, who the caller is, changing one's password.

use std::net::SocketAddr;

use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, State},
    routing::{get, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{body, error::envelope, error::ApiError, PlatformApi};
use crate::http::{
    shared::{event_routes::Caller, sign_in},
    AppState,
};

type ApiResult = Result<Json<Value>, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/me", get(me))
        .route("/auth/password", post(change_password))
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
    let subject = sign_in::attempt(&state, peer.ip(), Some(&input.email), &input.password)
        .await
        .map_err(|refused| refused.render::<ApiError>("Invalid email or password"))?;
    let token = state.domain.auth().issue_token(subject);
    Ok(envelope(TokenData { token }))
}

async fn me(State(state): State<AppState>, Caller(principal, _): Caller<PlatformApi>) -> ApiResult {
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
    Caller(principal, _): Caller<PlatformApi>,
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
    Ok(envelope(json!({ "changed": true })))
}
