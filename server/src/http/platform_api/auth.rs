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
    shared::{door::Call, sign_in},
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

async fn me(call: Call<PlatformApi>) -> ApiResult {
    Ok(envelope(call.domain.auth().me(&call.principal).await?))
}

#[derive(Deserialize)]
struct PasswordChange {
    #[serde(rename = "currentPassword")]
    current: String,
    #[serde(rename = "newPassword")]
    new: String,
}

async fn change_password(
    call: Call<PlatformApi>,
    input: Result<Json<PasswordChange>, JsonRejection>,
) -> ApiResult {
    let PasswordChange { current, new } = body(input)?;
    let accounts = call.domain.accounts();
    accounts
        .change_own_password(&call.principal, &current, &new, call.ip)
        .await?;
    Ok(envelope(json!({ "changed": true })))
}
