//! Seed 002's door, its bodies verbatim: the public viewer API, the admin API (session
//! cookie) under `/api/admin`, and the internal revocation feed for edges.

mod admin;
pub mod error;
mod events;
mod internal;
mod viewer;

pub use viewer::PlaybackBase;

use axum::{
    routing::{get, post},
    Router,
};

use error::AdminError;

use super::{
    shared::{door::Door, door_metrics, with_callers},
    AppState,
};

/// Seed 002's door: its wire format and its event routes.
pub struct Seed002;

pub fn router(state: &AppState) -> Router<AppState> {
    // Only the admin API knows callers: viewers and edges carry their own credentials.
    let admin = Router::new()
        .route("/login", post(admin::login))
        .route("/logout", post(admin::logout))
        .route("/session", get(admin::session_status))
        .merge(events::router())
        .fallback(|| async { Seed002::no_route() });
    Router::new()
        .nest(
            "/api/admin",
            with_callers::<AdminError>(admin, state).layer(door_metrics::layer("admin")),
        )
        .merge(viewer::router().layer(door_metrics::layer("viewer")))
        .merge(internal::router().layer(door_metrics::layer("internal")))
}
