//! Signing in, shared by the three sign-in doors (`/api/admin/login`, `/api/v1/auth/login` and
//! the dashboard's login form): a per-IP attempt limit, then the domain's check.

use std::{net::IpAddr, num::NonZeroU32};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use streamgate_domain::{model::Subject, DomainError};

use super::AppState;

/// Seed 002: 10 login requests per minute per IP.
pub const ATTEMPTS_PER_MINUTE: u32 = 10;

/// Counts sign-in attempts per client IP (every attempt, successful or not).
pub struct LoginLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        let per_minute = NonZeroU32::new(ATTEMPTS_PER_MINUTE).expect("non-zero");
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }
}

impl LoginLimiter {
    fn admit(&self, ip: IpAddr) -> bool {
        self.limiter.check_key(&ip).is_ok()
    }

    /// Forgets clients whose allowance is full again, so the map does not grow forever.
    pub fn forget_idle_clients(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

#[derive(Debug)]
pub enum LoginRefused {
    TooManyAttempts,
    InvalidCredentials,
    Failed(DomainError),
}

/// One sign-in attempt from `ip`: `{email, password}`, or `{password}` for the break-glass admin.
pub async fn attempt(
    state: &AppState,
    ip: IpAddr,
    email: Option<&str>,
    password: &str,
) -> Result<Subject, LoginRefused> {
    if !state.login_limiter.admit(ip) {
        tracing::warn!(%ip, "sign-in rate limit reached");
        return Err(LoginRefused::TooManyAttempts);
    }
    match state.domain.auth().sign_in(email, password, Some(ip)).await {
        Ok(subject) => Ok(subject),
        Err(DomainError::InvalidCredentials) => Err(LoginRefused::InvalidCredentials),
        Err(other) => Err(LoginRefused::Failed(other)),
    }
}
