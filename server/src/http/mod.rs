//! The HTTP doors, one module each, and the two listeners' routers.

mod hls;
mod platform_api;
mod ui;

use std::time::Instant;

use axum::{extract::FromRef, Router};
use leptos::config::LeptosOptions;
use streamgate_domain::service::Domain;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

/// What every handler can reach: the domain and the site options.
#[derive(Clone)]
pub struct AppState {
    pub domain: Domain,
    pub leptos_options: LeptosOptions,
    pub started_at: Instant,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The app listener: pages, server functions, static files and the REST APIs.
pub fn app_router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", platform_api::router())
        .merge(ui::router(&state))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The HLS listener: streams and its own health check.
pub fn hls_router(state: AppState) -> Router {
    hls::router()
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
