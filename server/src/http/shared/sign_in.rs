//! Signing in, shared by the three sign-in doors (`/api/admin/login`, `/api/v1/auth/login` and
//! the dashboard's login form). The domain applies the per-address attempt limit (kept in the
//! database, so every instance counts together) and checks the credentials.

use std::net::IpAddr;

use axum::http::StatusCode;
use streamgate_domain::{model::Subject, DomainError};

use super::error::Refusal;
use crate::http::AppState;

#[derive(Debug)]
pub enum SignInRefused {
    TooManyAttempts,
    InvalidCredentials,
    Failed(DomainError),
}

impl SignInRefused {
    /// The refusal in a door's wire format; `invalid` is how the door words bad credentials.
    pub fn render<E: Refusal>(self, invalid: &str) -> E {
        match self {
            SignInRefused::TooManyAttempts => {
                E::refusal(StatusCode::TOO_MANY_REQUESTS, "Too many login attempts")
            }
            SignInRefused::InvalidCredentials => E::refusal(StatusCode::UNAUTHORIZED, invalid),
            SignInRefused::Failed(err) => err.into(),
        }
    }
}

/// One sign-in attempt from `ip`: `{email, password}`, or seed 002's `{password}` alone.
pub async fn attempt(
    state: &AppState,
    ip: IpAddr,
    email: Option<&str>,
    password: &str,
) -> Result<Subject, SignInRefused> {
    match state.domain.auth().sign_in(email, password, Some(ip)).await {
        Ok(subject) => Ok(subject),
        Err(DomainError::TooManyAttempts { .. }) => {
            tracing::warn!(%ip, "sign-in rate limit reached");
            Err(SignInRefused::TooManyAttempts)
        }
        Err(DomainError::InvalidCredentials) => Err(SignInRefused::InvalidCredentials),
        Err(other) => Err(SignInRefused::Failed(other)),
    }
}
