//! `/api/v1/auth`: signing in for a dashboard JWT, who the caller is, changing one's password.

use std::net::SocketAddr;

use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, State},
    Json,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use streamgate_domain::model::Me;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::{body, error::envelope, error::ApiError, error::ApiErrorBody, PlatformApi};
use crate::http::{
    openapi::{ApiRoutes, Envelope},
    shared::{door::Call, sign_in},
    AppState,
};

type ApiResult = Result<Json<Value>, ApiError>;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .routes(routes!(login))
        .routes(routes!(me))
        .routes(routes!(change_password))
}

#[derive(Deserialize, ToSchema)]
struct LoginBody {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
struct TokenData {
    /// A dashboard JWT, for `Authorization: Bearer`.
    token: String,
}

/// `{"changed": true}`.
#[derive(Serialize, ToSchema)]
struct Changed {
    changed: bool,
}

/// Signs in with an email and password for a dashboard JWT.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in", body = Envelope<TokenData>),
        (status = 400, description = "No valid body", body = ApiErrorBody),
        (status = 401, description = "Wrong email or password", body = ApiErrorBody),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = ApiErrorBody),
    ),
)]
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

/// Who the caller is.
#[utoipa::path(
    get,
    path = "/auth/me",
    tag = "auth",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The caller", body = Envelope<Me>),
        (status = 401, description = "No valid credential", body = ApiErrorBody),
    ),
)]
async fn me(call: Call<PlatformApi>) -> ApiResult {
    Ok(envelope(call.domain.auth().me(&call.principal).await?))
}

#[derive(Deserialize, ToSchema)]
struct PasswordChange {
    #[serde(rename = "currentPassword")]
    current: String,
    #[serde(rename = "newPassword")]
    new: String,
}

/// Changes the caller's own password.
#[utoipa::path(
    post,
    path = "/auth/password",
    tag = "auth",
    security(("bearer" = []), ("session" = [])),
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed", body = Envelope<Changed>),
        (status = 400, description = "No valid body, or a weak password", body = ApiErrorBody),
        (status = 401, description = "No valid credential, or not the current password", body = ApiErrorBody),
        (status = 403, description = "Not allowed", body = ApiErrorBody),
    ),
)]
async fn change_password(
    call: Call<PlatformApi>,
    input: Result<Json<PasswordChange>, JsonRejection>,
) -> ApiResult {
    let PasswordChange { current, new } = body(input)?;
    let accounts = call.domain.accounts();
    accounts
        .change_own_password(&call.principal, &current, &new, call.ip)
        .await?;
    Ok(envelope(Changed { changed: true }))
}
