//! Seed 002's admin sign-in under `/api/admin`: log in with the session cookie, log out, and
//! whether the session is signed in.

use std::net::SocketAddr;

use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, State},
    http::{request::Parts, StatusCode},
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};
use tower_sessions::Session;

use super::{error::AdminError, Seed002};
use crate::http::{
    shared::{door::Door, session, sign_in},
    AppState,
};

/// Seed 002 sends `{"password"}` (the break-glass admin, or the installation's first owner);
/// users add `"email"`.
#[derive(Deserialize)]
pub struct LoginBody {
    email: Option<String>,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    body: Result<Json<LoginBody>, JsonRejection>,
) -> Result<Json<Value>, AdminError> {
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
    Ok(Json(json!({ "success": true })))
}

pub async fn logout(session: Session) -> Result<Json<Value>, AdminError> {
    session::sign_out(&session).await.map_err(session_failure)?;
    Ok(Json(json!({ "success": true })))
}

pub async fn session_status(parts: Parts) -> Json<Value> {
    let authenticated = Seed002::authenticate(&parts).is_ok();
    Json(json!({ "authenticated": authenticated }))
}

fn session_failure(err: tower_sessions::session::Error) -> AdminError {
    tracing::error!(error = %err, "session store failure");
    AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
}
