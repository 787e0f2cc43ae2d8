//! The HTTP doors, one module each, and the two listeners' routers.

mod admin_api;
mod admin_events;
mod caller;
mod csrf;
mod dashboard;
mod dashboard_files;
mod error;
mod event_input;
mod hls;
mod login;
mod platform_api;
mod platform_events;
pub mod session;
mod ui;

use std::{sync::Arc, time::Instant};

use axum::{extract::FromRef, middleware, Router};
use leptos::config::LeptosOptions;
use streamgate_domain::service::Domain;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};
use url::Url;

pub use login::LoginLimiter;

/// What every handler can reach: the domain, the site options and the sign-in settings.
#[derive(Clone)]
pub struct AppState {
    pub domain: Domain,
    pub leptos_options: LeptosOptions,
    pub started_at: Instant,
    pub sessions: session::SessionSettings,
    pub login_limiter: Arc<LoginLimiter>,
    /// `STREAMGATE_PUBLIC_URL`: the origin browsers use, when a proxy sits in front.
    pub public_origin: Option<Url>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The app listener: pages, server functions, static files and the REST APIs. Requests pass
/// (outermost first) tracing, compression, the session layer, the CSRF check, caller
/// resolution and the dashboard's page guard.
pub fn app_router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", platform_api::router())
        .nest("/api/admin", admin_api::router())
        .merge(dashboard::router())
        .merge(dashboard_files::router())
        .merge(ui::router(&state))
        .layer(middleware::from_fn(dashboard::guard_pages))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            caller::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf::refuse_cross_origin_writes,
        ))
        .layer(session::layer(state.domain.store().clone(), state.sessions))
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
