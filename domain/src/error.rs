//! The one error type of the domain. Each door (seed 002 API, `/api/v1`, GraphQL, server
//! functions) renders it in its own wire format; they share only the status code it means.

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Input that breaks a rule; `field` names the offending field as the API spells it.
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },

    /// The thing asked for does not exist (or is not visible to the caller).
    #[error("{what} not found")]
    NotFound { what: &'static str },

    /// The input collides with something that exists (e.g. an email already in use).
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },

    /// Sign-in failed. Deliberately does not say whether the email exists.
    #[error("Invalid email or password")]
    InvalidCredentials,

    /// Too many sign-in attempts from one client address; the next can succeed in
    /// `retry_after_secs`.
    #[error("Too many login attempts")]
    TooManyAttempts { retry_after_secs: u64 },

    /// No valid credential came with the request (missing, malformed, expired, revoked).
    #[error("{reason}")]
    Unauthenticated { reason: &'static str },

    /// The caller's role lacks the permission (and enforcement is on).
    #[error("Missing permission {permission}")]
    Forbidden {
        permission: crate::model::Permission,
    },

    /// Only some callers may do this, whatever their permissions (e.g. changing quotas).
    #[error("{message}")]
    NotAllowed { message: &'static str },

    /// The change would take the account past one of its quotas. Enforced for every
    /// principal, whatever the enforcement mode.
    #[error(transparent)]
    QuotaExceeded(#[from] crate::model::QuotaExceeded),

    /// Seed 002's public playback API said no, with its own status and wording.
    #[error(transparent)]
    Playback(#[from] PlaybackRefusal),

    /// The database failed; details are logged where it is rendered, not shown to callers.
    #[cfg(feature = "server")]
    #[error("storage failure")]
    Storage(crate::store::StoreError),
}

/// A store refusing over quota is the caller's 429, not a storage failure.
#[cfg(feature = "server")]
impl From<crate::store::StoreError> for DomainError {
    fn from(err: crate::store::StoreError) -> Self {
        match err {
            crate::store::StoreError::OverQuota(exceeded) => DomainError::QuotaExceeded(exceeded),
            other => DomainError::Storage(other),
        }
    }
}

impl DomainError {
    /// The HTTP status every door answers this error with.
    pub fn status_code(&self) -> u16 {
        match self {
            DomainError::Validation { .. } => 400,
            DomainError::InvalidCredentials | DomainError::Unauthenticated { .. } => 401,
            DomainError::Forbidden { .. } | DomainError::NotAllowed { .. } => 403,
            DomainError::NotFound { .. } => 404,
            DomainError::Conflict { .. } => 409,
            DomainError::TooManyAttempts { .. } | DomainError::QuotaExceeded(_) => 429,
            DomainError::Playback(refusal) => refusal.status_code(),
            #[cfg(feature = "server")]
            DomainError::Storage(_) => 500,
        }
    }

    /// For a rate limit: seconds until the next attempt can succeed (`Retry-After`).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            DomainError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            DomainError::Playback(refusal) => refusal.retry_after_secs(),
            _ => None,
        }
    }

    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Validation {
            field,
            message: message.into(),
        }
    }
}

/// Why a viewer's code or playback token was refused. The messages are seed 002's, verbatim:
/// the public API shows them as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlaybackRefusal {
    /// Blank, or not made of letters and digits.
    #[error("Access code is required")]
    CodeMissing,
    #[error("Invalid access code")]
    UnknownCode,
    #[error("Access code has been revoked")]
    CodeRevoked,
    #[error("This event is not currently available")]
    EventUnavailable,
    /// Another device holds the code's live session.
    #[error("This access code is currently in use on another device")]
    InUse,
    #[error("Access code has expired")]
    CodeExpired,
    /// Too many validations from one client address.
    #[error("Too many requests. Please try again later.")]
    TooManyValidations { retry_after_secs: u64 },
    /// Missing, malformed, wrongly signed or expired playback token.
    #[error("Valid playback token required")]
    InvalidToken,
    /// The code was revoked or the event switched off since the token was issued.
    #[error("Access has been revoked")]
    AccessRevoked,
    /// The code (and so the token) has expired.
    #[error("Access has expired")]
    AccessExpired,
    /// Too many refreshes for one code.
    #[error("Too many refresh requests")]
    TooManyRefreshes { retry_after_secs: u64 },
    /// The session was released, superseded or timed out.
    #[error("Session not found")]
    SessionNotFound,
    /// The event's account has as many live viewers as its quota allows.
    #[error("This event has reached its viewer limit")]
    ViewerLimitReached,
}

impl PlaybackRefusal {
    pub fn status_code(self) -> u16 {
        match self {
            PlaybackRefusal::CodeMissing => 400,
            PlaybackRefusal::UnknownCode | PlaybackRefusal::InvalidToken => 401,
            PlaybackRefusal::CodeRevoked
            | PlaybackRefusal::EventUnavailable
            | PlaybackRefusal::AccessRevoked => 403,
            PlaybackRefusal::SessionNotFound => 404,
            PlaybackRefusal::InUse => 409,
            PlaybackRefusal::CodeExpired | PlaybackRefusal::AccessExpired => 410,
            PlaybackRefusal::TooManyValidations { .. }
            | PlaybackRefusal::TooManyRefreshes { .. }
            | PlaybackRefusal::ViewerLimitReached => 429,
        }
    }

    /// For a rate limit: seconds until the next attempt can succeed (`Retry-After`).
    pub fn retry_after_secs(self) -> Option<u64> {
        match self {
            PlaybackRefusal::TooManyValidations { retry_after_secs }
            | PlaybackRefusal::TooManyRefreshes { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_sign_in_attempts_is_429_with_a_retry_time() {
        let err = DomainError::TooManyAttempts {
            retry_after_secs: 6,
        };
        assert_eq!(err.to_string(), "Too many login attempts");
        assert_eq!(err.status_code(), 429);
        assert_eq!(err.retry_after_secs(), Some(6));
        assert_eq!(DomainError::InvalidCredentials.retry_after_secs(), None);
        let refusal = DomainError::from(PlaybackRefusal::TooManyRefreshes {
            retry_after_secs: 300,
        });
        assert_eq!(refusal.retry_after_secs(), Some(300));
    }
}
