//! Seed 002's admin sign-in under `/api/admin`: log in with the session cookie, log out, and
//! whether the session is signed in.

use std::net::SocketAddr;

use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, State},
    http::{request::Parts, StatusCode},
    Json,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::ToSchema;

use super::{
    error::{AdminError, AdminErrorBody},
    Seed002,
};
use crate::http::{
    shared::{door::Door, session, sign_in},
    AppState,
};

/// Seed 002 sends `{"password"}` (the break-glass admin, or the installation's first owner);
/// users add `"email"`.
#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: Option<String>,
    password: String,
}

/// `{"success": true}`.
#[derive(Serialize, ToSchema)]
pub struct Success {
    success: bool,
}

/// `{"authenticated": …}`.
#[derive(Serialize, ToSchema)]
pub struct SessionStatus {
    authenticated: bool,
}

/// Signs in; the answer sets the session cookie.
#[utoipa::path(
    post,
    path = "/login",
    tag = "seed 002 admin",
    operation_id = "seed002_login",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in; `Set-Cookie` holds the session", body = Success),
        (status = 400, description = "No password", body = AdminErrorBody),
        (status = 401, description = "Wrong password", body = AdminErrorBody),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = AdminErrorBody),
    ),
)]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    body: Result<Json<LoginBody>, JsonRejection>,
) -> Result<Json<Success>, AdminError> {
    let Ok(Json(body)) = body else {
        return Err(AdminError::new(
            StatusCode::BAD_REQUEST,
            "Expected a JSON body with a password",
        ));
    };
    let subject = sign_in::attempt(&state, peer.ip(), body.email.as_deref(), &body.password)
        .await
        .map_err(|refused| refused.render::<AdminError>("Invalid password"))?;
    session::sign_in(&session, subject)
        .await
        .map_err(session_failure)?;
    Ok(Json(Success { success: true }))
}

/// Ends the session.
#[utoipa::path(
    post,
    path = "/logout",
    tag = "seed 002 admin",
    operation_id = "seed002_logout",
    responses((status = 200, description = "Signed out", body = Success)),
)]
pub async fn logout(session: Session) -> Result<Json<Success>, AdminError> {
    session::sign_out(&session).await.map_err(session_failure)?;
    Ok(Json(Success { success: true }))
}

/// Whether the session cookie is signed in.
#[utoipa::path(
    get,
    path = "/session",
    tag = "seed 002 admin",
    operation_id = "seed002_session",
    responses((status = 200, description = "Signed in or not", body = SessionStatus)),
)]
pub async fn session_status(parts: Parts) -> Json<SessionStatus> {
    let authenticated = Seed002::authenticate(&parts).is_ok();
    Json(SessionStatus { authenticated })
}

fn session_failure(err: tower_sessions::session::Error) -> AdminError {
    tracing::error!(error = %err, "session store failure");
    AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
}
