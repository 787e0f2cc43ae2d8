//! What several doors use: the client address, dashboard sessions, the CSRF check, caller
//! resolution, the request's origin, the internal API key, sign-in, request counting, and the
//! event operations seed 002's admin door and `/api/v1` share.

pub mod caller;
pub mod client_address;
pub mod csrf;
pub mod csv_download;
pub mod door;
pub mod door_metrics;
pub mod error;
pub mod event_input;
pub mod event_routes;
pub mod internal_key;
pub mod origin;
pub mod session;
pub mod sign_in;
pub mod tip_events;

use axum::{middleware::from_fn_with_state, Router};

use super::AppState;

/// The middleware of a door that knows its callers by the session cookie or a bearer token,
/// outermost first: the session, the CSRF check on cookie-authenticated writes, the caller.
/// `E` is the door's error, so each refusal is in its wire format.
pub fn with_callers<E: error::Refusal>(
    router: Router<AppState>,
    state: &AppState,
) -> Router<AppState> {
    router
        .layer(from_fn_with_state(state.clone(), caller::resolve::<E>))
        .layer(from_fn_with_state(
            state.clone(),
            csrf::refuse_cross_origin_writes::<E>,
        ))
        .layer(session::layer(state))
}
