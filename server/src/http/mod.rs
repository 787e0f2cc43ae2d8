//! The HTTP doors, one module each, and the two listeners' routers.

mod admin_api;
mod admin_events;
mod caller;
pub mod client_address;
mod csrf;
mod dashboard;
mod dashboard_files;
mod error;
mod event_input;
pub mod hls;
mod internal_api;
mod login;
mod platform_api;
mod platform_events;
mod playback_api;
pub mod session;
mod ui;

use std::{sync::Arc, time::Instant};

use axum::{
    extract::FromRef,
    http::{header, HeaderMap},
    middleware, Router,
};
use leptos::config::LeptosOptions;
use streamgate_domain::service::Domain;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};
use url::Url;

use client_address::TrustedProxies;
pub use internal_api::API_KEY_HEADER;
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
    pub playback_base: PlaybackBase,
    pub trusted_proxies: TrustedProxies,
    /// `STREAMGATE_INTERNAL_API_KEY`: what edges present to read the revocation feed.
    pub internal_api_key: Option<Arc<str>>,
}

/// Where viewers reach the HLS listener (seed 002's `playbackBaseUrl`).
#[derive(Clone, Debug)]
pub struct PlaybackBase {
    /// `STREAMGATE_PUBLIC_HLS_URL`, when set.
    pub public_url: Option<Url>,
    /// The HLS listener's port, for the URL derived from the request.
    pub hls_port: u16,
}

impl PlaybackBase {
    /// The configured URL, or the host the request was sent to with the HLS port: a request to
    /// `192.168.0.11:3000` gets `http://192.168.0.11:4000`.
    pub fn for_request(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.as_str().trim_end_matches('/').to_owned();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .and_then(|host| Url::parse(&format!("http://{host}")).ok())
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_else(|| "localhost".to_owned());
        format!("http://{host}:{}", self.hls_port)
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The app listener: pages, server functions, static files and the REST APIs. Requests pass
/// (outermost first) tracing, compression, the client address, the session layer, the CSRF
/// check, caller resolution and the dashboard's page guard.
pub fn app_router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", platform_api::router())
        .nest("/api/admin", admin_api::router())
        .merge(playback_api::router())
        .merge(internal_api::router())
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
        .layer(middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            client_address::resolve,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The HLS listener: streams, its health check and the cache purge, with CORS for the pages
/// that play them.
pub fn hls_router(
    state: hls::HlsState,
    cors_origins: Vec<String>,
    proxies: TrustedProxies,
) -> Router {
    hls::router(state)
        .layer(middleware::from_fn_with_state(
            proxies,
            client_address::resolve,
        ))
        .layer(hls::cors(cors_origins))
        .layer(TraceLayer::new_for_http())
}
