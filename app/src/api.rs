//! Server functions: the calls pages make to the server. Each finds the caller (resolved by the
//! server's middleware from the session cookie), calls one domain service, and maps the error.
//! Permission checks happen in the domain, as for every other door.

use leptos::{prelude::*, server_fn::codec::JsonEncoding};
use serde::{Deserialize, Serialize};
use streamgate_domain::model::{Account, Event, Me, Member, Role};
use uuid::Uuid;

/// What a server function can fail with, as the dashboard shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Your session has ended. Please sign in again.")]
    Unauthenticated,
    #[error("You don't have permission to do this (needs {0}).")]
    Forbidden(String),
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0} not found.")]
    NotFound(String),
    #[error("{0}")]
    Server(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Server(value.to_string())
    }
}

/// The users page's data: which account is shown, its members, and (for the superadmin) the
/// accounts to choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersView {
    pub account_id: Uuid,
    pub accounts: Vec<Account>,
    pub members: Vec<Member>,
}

// Server functions live under `/_rpc/`, not Leptos's default `/api/`, so they can never collide
// with the REST families under `/api` (seed 002's paths and `/api/v1`).

/// Who is signed in.
#[server(prefix = "/_rpc", endpoint = "auth/me")]
pub async fn current_user() -> Result<Me, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .auth()
        .me(&principal)
        .await
        .map_err(server::app_error)
}

#[server(prefix = "/_rpc", endpoint = "events/list")]
pub async fn list_events() -> Result<Vec<Event>, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .events()
        .list(&principal)
        .await
        .map_err(server::app_error)
}

/// The members of the caller's account; the superadmin picks `account` (default: the first).
/// A member naming another account gets "not found".
#[server(prefix = "/_rpc", endpoint = "users/list")]
pub async fn list_users(account: Option<Uuid>) -> Result<UsersView, AppError> {
    let (domain, principal) = server::caller()?;
    let accounts = domain
        .accounts()
        .accounts(&principal)
        .await
        .map_err(server::app_error)?;
    // The account asked for, else the first the caller can see (a member's own).
    let account_id = account
        .or_else(|| accounts.first().map(|account| account.id))
        .ok_or_else(|| AppError::NotFound("Account".into()))?;
    let members = domain
        .accounts()
        .members(&principal, Some(account_id))
        .await
        .map_err(server::app_error)?;
    Ok(UsersView {
        account_id,
        accounts,
        members,
    })
}

#[server(prefix = "/_rpc", endpoint = "users/add")]
pub async fn add_user(
    account_id: Uuid,
    email: String,
    password: String,
    role: Role,
) -> Result<Member, AppError> {
    let (domain, principal) = server::caller()?;
    let input = streamgate_domain::model::NewMember {
        email,
        password,
        role,
    };
    domain
        .accounts()
        .add_member(&principal, Some(account_id), input, server::client_ip())
        .await
        .map_err(server::app_error)
}

#[server(prefix = "/_rpc", endpoint = "users/role")]
pub async fn set_user_role(user_id: Uuid, role: Role) -> Result<Member, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .accounts()
        .change_role(&principal, user_id, role, server::client_ip())
        .await
        .map_err(server::app_error)
}

#[server(prefix = "/_rpc", endpoint = "users/active")]
pub async fn set_user_active(user_id: Uuid, active: bool) -> Result<Member, AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .accounts()
        .set_active(&principal, user_id, active, server::client_ip())
        .await
        .map_err(server::app_error)
}

/// Changes the caller's own password. Their session ends with it (credentials changed), so the
/// page sends them to sign in again.
#[server(prefix = "/_rpc", endpoint = "auth/password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let (domain, principal) = server::caller()?;
    domain
        .accounts()
        .change_own_password(&principal, &current, &new, server::client_ip())
        .await
        .map_err(server::app_error)
}

#[cfg(feature = "ssr")]
mod server {
    use std::net::{IpAddr, SocketAddr};

    use axum::{
        extract::ConnectInfo,
        http::{request::Parts, StatusCode},
    };
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;
    use streamgate_domain::{model::Principal, service::Domain, DomainError};

    use super::AppError;

    /// The domain and the signed-in caller; the server's middleware put the caller into the
    /// request's extensions.
    pub fn caller() -> Result<(Domain, Principal), AppError> {
        let domain = use_context::<Domain>()
            .ok_or_else(|| AppError::Server("the domain is not available".into()))?;
        let principal =
            use_context::<Parts>().and_then(|parts| parts.extensions.get::<Principal>().cloned());
        match principal {
            Some(principal) => Ok((domain, principal)),
            None => {
                set_call_status(StatusCode::UNAUTHORIZED);
                Err(AppError::Unauthenticated)
            }
        }
    }

    /// Gives a failed server-function call (`/_rpc/…`) the status its error deserves; a page
    /// rendering on the server keeps its own.
    fn set_call_status(status: StatusCode) {
        let is_call =
            use_context::<Parts>().is_some_and(|parts| parts.uri.path().starts_with("/_rpc/"));
        if let (true, Some(response)) = (is_call, use_context::<ResponseOptions>()) {
            response.set_status(status);
        }
    }

    pub fn client_ip() -> Option<IpAddr> {
        let parts = use_context::<Parts>()?;
        let ConnectInfo(addr) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
        Some(addr.ip())
    }

    /// Validation, permission and not-found messages are safe to show; storage failures are
    /// logged and answered generically.
    pub fn app_error(err: DomainError) -> AppError {
        set_call_status(
            StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
        match err {
            DomainError::Validation { field, message }
            | DomainError::Conflict { field, message } => AppError::Invalid {
                field: field.into(),
                message,
            },
            DomainError::NotFound { what } => AppError::NotFound(what.into()),
            DomainError::Forbidden { permission } => AppError::Forbidden(permission.to_string()),
            DomainError::InvalidCredentials | DomainError::Unauthenticated { .. } => {
                AppError::Unauthenticated
            }
            DomainError::Storage(cause) => {
                tracing::error!(error = %cause, "server function failed");
                AppError::Server("The server could not complete the request.".into())
            }
        }
    }
}
