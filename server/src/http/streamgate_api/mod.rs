//! Seed 002's door, its bodies verbatim: the public viewer API, the admin API (session
//! cookie) under `/api/admin`, and the internal revocation feed for edges.

mod admin;
pub mod error;
mod events;
mod internal;
mod viewer;

pub use viewer::PlaybackBase;

use axum::Router;

use error::AdminError;

use super::{
    shared::{event_routes::EventDoor, with_callers},
    AppState,
};

/// Seed 002's door: its wire format and its event routes.
pub struct Seed002;

pub fn router(state: &AppState) -> Router<AppState> {
    // Only the admin API knows callers: viewers and edges carry their own credentials.
    let admin = Router::new()
        .merge(admin::router())
        .merge(events::router())
        .fallback(|| async { Seed002::no_route() });
    Router::new()
        .nest("/api/admin", with_callers::<AdminError>(admin, state))
        .merge(viewer::router())
        .merge(internal::router())
}
