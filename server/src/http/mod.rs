//! The HTTP doors, one folder each, and the two listeners' routers. Each door owns its
//! routes, extractors, error rendering and the middleware it needs; `shared/` holds what
//! several doors use.

mod graphql;
pub mod hls;
mod openapi;
mod ops;
pub use ops::metrics;
mod platform_api;
pub mod shared;
mod streamgate_api;
pub mod ui;

use std::{sync::Arc, time::Instant};

use axum::{extract::FromRef, middleware, Extension, Router};
use leptos::config::LeptosOptions;
use streamgate_domain::service::Domain;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};
use url::Url;

use shared::{
    client_address, client_address::TrustedProxies, door_metrics, session::SessionSettings,
};
pub use streamgate_api::PlaybackBase;

/// What every handler can reach: the domain, the site options and the request settings.
#[derive(Clone)]
pub struct AppState {
    pub domain: Domain,
    pub leptos_options: LeptosOptions,
    pub started_at: Instant,
    pub sessions: SessionSettings,
    /// `STREAMGATE_PUBLIC_URL`: the origin browsers use, when a proxy sits in front.
    pub public_origin: Option<Url>,
    pub playback_base: PlaybackBase,
    pub trusted_proxies: TrustedProxies,
    /// `STREAMGATE_INTERNAL_API_KEY`: what edges present to read the revocation feed.
    pub internal_api_key: Option<Arc<str>>,
    /// Who may frame the pages (`STREAMGATE_EMBED_ORIGINS` for `/embed/…`).
    pub frame_policy: ui::FramePolicy,
    /// `METRICS_TOKEN`: opens `/metrics`; without it the path is not served.
    pub metrics_token: Option<Arc<str>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The app listener: seed 002's door, `/api/v1`, and the pages. Every request passes tracing,
/// compression and the client address; each door adds what it needs.
pub fn app_router(state: AppState) -> Router {
    let (api, document) = api_routes(&state).finish();
    let document = serde_json::to_string(&openapi::document(document))
        .expect("the OpenAPI document serializes");
    api.merge(ops::router(&state))
        .merge(ui::router(&state).layer(door_metrics::layer("ui")))
        .layer(Extension(openapi::swagger::ApiDocument(document.into())))
        .layer(middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            client_address::resolve,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Every documented API route: seed 002's door and `/api/v1`.
fn api_routes(state: &AppState) -> openapi::ApiRoutes {
    openapi::ApiRoutes::new()
        .nest(
            "/api/v1",
            platform_api::router(state)
                .wrap(|routes| routes.layer(door_metrics::layer("platform"))),
        )
        .merge(streamgate_api::router(state))
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
        .layer(door_metrics::layer("hls"))
}
