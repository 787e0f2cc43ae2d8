//! The server side of every server function: the domain and the signed-in caller from the
//! request, the client's address for the audit log, and domain errors turned into
//! [`AppError`]s (with the call's status), so a server function's body can use `?`.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::ConnectInfo,
    http::{request::Parts, StatusCode},
};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use streamgate_domain::{
    model::{PageRequest, Principal},
    service::Domain,
    DomainError,
};

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

/// The origin browsers reach the site by (`STREAMGATE_PUBLIC_URL`, else the request's): the
/// server's pages door puts it into every request's extensions.
#[derive(Clone, Debug)]
pub struct SiteOrigin(pub String);

/// The site's origin for the current request; `None` outside one.
pub fn site_origin() -> Option<String> {
    let parts = use_context::<Parts>()?;
    parts
        .extensions
        .get::<SiteOrigin>()
        .map(|origin| origin.0.clone())
}

/// Where the call came from, for the audit log.
pub fn client_ip() -> Option<IpAddr> {
    let parts = use_context::<Parts>()?;
    let ConnectInfo(addr) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
    Some(addr.ip())
}

/// Validation, permission and not-found messages are safe to show; storage failures are
/// logged and answered generically. Converting also sets the failed call's status.
pub fn app_error(err: DomainError) -> AppError {
    set_call_status(
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    match err {
        DomainError::Validation { field, message } | DomainError::Conflict { field, message } => {
            AppError::Invalid {
                field: field.into(),
                message,
            }
        }
        DomainError::NotFound { what } => AppError::NotFound(what.into()),
        DomainError::Forbidden { permission } => AppError::Forbidden(permission.to_string()),
        DomainError::NotAllowed { message } => AppError::Server(message.into()),
        DomainError::QuotaExceeded(exceeded) => AppError::QuotaExceeded(exceeded),
        DomainError::InvalidCredentials | DomainError::Unauthenticated { .. } => {
            AppError::Unauthenticated
        }
        // The dashboard's calls never play; a viewer's refusal is shown as it is worded.
        DomainError::Playback(refusal) => AppError::Server(refusal.to_string()),
        err @ DomainError::TooManyAttempts { .. } => AppError::Server(err.to_string()),
        DomainError::Storage(cause) => {
            tracing::error!(error = %cause, "server function failed");
            AppError::Server("The server could not complete the request.".into())
        }
    }
}

impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        app_error(err)
    }
}

/// A form value the page sent is not usable: answered like the domain's validation errors.
pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
    app_error(DomainError::validation(field, message))
}

/// A page of at most `limit` items from `cursor`, a previous page's `next_cursor` as the page
/// sent it back (blank: the first page).
pub fn page_request(cursor: Option<String>, limit: u32) -> PageRequest {
    PageRequest {
        cursor: cursor.filter(|cursor| !cursor.is_empty()),
        ..PageRequest::first(limit)
    }
}
