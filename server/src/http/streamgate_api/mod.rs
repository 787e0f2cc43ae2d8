//! Seed 002's door, its bodies verbatim: the public viewer API, the admin API (session
//! cookie) under `/api/admin`, and the internal revocation feed for edges.

mod admin;
pub mod error;
mod events;
mod internal;
mod tip_alerts;
mod viewer;

pub use viewer::PlaybackBase;

use utoipa_axum::routes;

use error::AdminError;

use super::{
    openapi::ApiRoutes,
    shared::{door::Door, door_metrics, with_callers},
    AppState,
};

/// Seed 002's door: its wire format and its event routes.
pub struct Seed002;

pub fn router(state: &AppState) -> ApiRoutes {
    // Only the admin API knows callers: viewers and edges carry their own credentials.
    let admin = ApiRoutes::new()
        .routes(routes!(admin::login))
        .routes(routes!(admin::logout))
        .routes(routes!(admin::session_status))
        .merge(events::routes())
        .wrap(|admin| {
            let admin = admin.fallback(|| async { Seed002::no_route() });
            with_callers::<AdminError>(admin, state).layer(door_metrics::layer("admin"))
        });
    ApiRoutes::new()
        .nest("/api/admin", admin)
        .merge(
            viewer::routes()
                .merge(tip_alerts::routes())
                .wrap(|viewer| viewer.layer(door_metrics::layer("viewer"))),
        )
        .merge(internal::routes().wrap(|internal| internal.layer(door_metrics::layer("internal"))))
}
