//! `/api/admin`: seed 002's admin API, cookie-session authenticated, bodies verbatim.

use std::net::SocketAddr;

use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, State},
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::json;
use streamgate_domain::model::CredentialKind;
use tower_sessions::Session;

use super::{
    caller,
    error::AdminError,
    login::{self, LoginRefused},
    session, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/session", get(session_status))
        .merge(super::admin_events::router())
        .fallback(|| async { AdminError::new(StatusCode::NOT_FOUND, "Not found") })
}

/// Seed 002 sends `{"password"}` (the break-glass admin); users add `"email"`.
#[derive(Deserialize)]
struct LoginBody {
    email: Option<String>,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    body: Result<Json<LoginBody>, JsonRejection>,
) -> Result<Json<serde_json::Value>, AdminError> {
    let Ok(Json(body)) = body else {
        return Err(AdminError::new(
            StatusCode::BAD_REQUEST,
            "Expected a JSON body with a password",
        ));
    };
    let subject = login::attempt(&state, peer.ip(), body.email.as_deref(), &body.password)
        .await
        .map_err(|refused| match refused {
            LoginRefused::TooManyAttempts => {
                AdminError::new(StatusCode::TOO_MANY_REQUESTS, "Too many login attempts")
            }
            LoginRefused::InvalidCredentials => {
                AdminError::new(StatusCode::UNAUTHORIZED, "Invalid password")
            }
            LoginRefused::Failed(err) => err.into(),
        })?;
    session::sign_in(&session, subject)
        .await
        .map_err(session_failure)?;
    Ok(Json(json!({ "success": true })))
}

async fn logout(session: Session) -> Result<Json<serde_json::Value>, AdminError> {
    session::sign_out(&session).await.map_err(session_failure)?;
    Ok(Json(json!({ "success": true })))
}

async fn session_status(parts: Parts) -> Response {
    let authenticated = caller::principal(&parts)
        .is_some_and(|principal| principal.via() == CredentialKind::Session);
    Json(json!({ "authenticated": authenticated })).into_response()
}

fn session_failure(err: tower_sessions::session::Error) -> AdminError {
    tracing::error!(error = %err, "session store failure");
    AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
}
