//! Who is calling. One middleware resolves the credential once per request, in seed 001's
//! order: `Authorization: Bearer sk_…` (API token), then `Bearer <JWT>` (dashboard token), then
//! the session cookie. The resolved [`Principal`] goes into the request's extensions, where the
//! extractors below, the page guard and the server functions find it.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, request::Parts},
    middleware::Next,
    response::Response,
};
use streamgate_domain::{
    model::{CredentialKind, Principal, API_TOKEN_PREFIX},
    DomainError,
};
use tower_sessions::Session;

use super::{error::Refusal, session};
use crate::http::AppState;

/// Why a presented bearer credential was refused (kept so `/api/v1` can say so).
#[derive(Clone, Copy, Debug)]
struct CredentialRefused(&'static str);

/// Middleware for the doors that know callers; `E` words a failure to look the caller up.
pub async fn resolve<E: Refusal>(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    // Static files never need to know who asks.
    if request.uri().path().starts_with("/pkg/") {
        return next.run(request).await;
    }
    let resolved = match bearer(request.headers()) {
        Some(token) if token.starts_with(API_TOKEN_PREFIX) => {
            let client = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| peer.ip());
            let tokens = state.domain.api_tokens();
            tokens.principal(token, client).await.map(Some)
        }
        Some(token) => state
            .domain
            .auth()
            .principal_from_token(token)
            .await
            .map(Some),
        None => from_session(&state, &session).await,
    };
    match resolved {
        Ok(Some(principal)) => {
            request.extensions_mut().insert(principal);
        }
        Ok(None) => {}
        Err(DomainError::Unauthenticated { reason }) => {
            request.extensions_mut().insert(CredentialRefused(reason));
        }
        Err(other) => return E::from(other).into_response(),
    }
    next.run(request).await
}

async fn from_session(
    state: &AppState,
    session: &Session,
) -> Result<Option<Principal>, DomainError> {
    let signed_in = match session::signed_in(session, &state.sessions).await {
        Ok(signed_in) => signed_in,
        Err(err) => {
            tracing::warn!(error = %err, "unreadable session ignored");
            None
        }
    };
    let Some(signed_in) = signed_in else {
        return Ok(None);
    };
    match state
        .domain
        .auth()
        .principal(signed_in.subject, signed_in.at, CredentialKind::Session)
        .await
    {
        Ok(principal) => Ok(Some(principal)),
        // Deactivated, password changed, break-glass removed: the session is over.
        Err(DomainError::Unauthenticated { .. }) => {
            if let Err(err) = session::sign_out(session).await {
                tracing::warn!(error = %err, "could not end a revoked session");
            }
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// The credential of `Authorization: Bearer …`, if any.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

/// The signed-in caller, if any.
pub fn principal(parts: &Parts) -> Option<Principal> {
    parts.extensions.get::<Principal>().cloned()
}

/// Why the credential presented with a request was refused, if it was.
pub fn refused(parts: &Parts) -> Option<&'static str> {
    parts
        .extensions
        .get::<CredentialRefused>()
        .map(|refused| refused.0)
}

/// The first non-empty value of one of the query parameters `names` (tokens in the query
/// string, for clients that cannot send headers).
pub fn query_value(uri: &axum::http::Uri, names: &[&str]) -> Option<String> {
    url::form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(name, value)| names.contains(&name.as_ref()) && !value.is_empty())
        .map(|(_, value)| value.into_owned())
}
