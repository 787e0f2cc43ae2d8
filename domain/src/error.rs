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

    /// No valid credential came with the request (missing, malformed, expired, revoked).
    #[error("{reason}")]
    Unauthenticated { reason: &'static str },

    /// The caller's role lacks the permission (and enforcement is on).
    #[error("Missing permission {permission}")]
    Forbidden {
        permission: crate::model::Permission,
    },

    /// The database failed; details are logged where it is rendered, not shown to callers.
    #[cfg(feature = "server")]
    #[error("storage failure")]
    Storage(#[from] crate::store::StoreError),
}

impl DomainError {
    /// The HTTP status every door answers this error with.
    pub fn status_code(&self) -> u16 {
        match self {
            DomainError::Validation { .. } => 400,
            DomainError::InvalidCredentials | DomainError::Unauthenticated { .. } => 401,
            DomainError::Forbidden { .. } => 403,
            DomainError::NotFound { .. } => 404,
            DomainError::Conflict { .. } => 409,
            #[cfg(feature = "server")]
            DomainError::Storage(_) => 500,
        }
    }

    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Validation {
            field,
            message: message.into(),
        }
    }
}
