//! The Leptos door: server-rendered pages, server functions (`/_rpc/…`) and the built site's
//! static files, with the domain provided as context to all of them; the dashboard's plain
//! sign-in forms and the files its pages link to.

mod files;
mod frames;
mod sign_in;

use axum::{
    extract::{Request, State},
    middleware::{self, Next},
    response::Response,
    Router,
};
use leptos::prelude::provide_context;
use leptos_axum::{file_and_error_handler, generate_route_list, LeptosRoutes};
use streamgate_app::{api::server::SiteOrigin, shell, App};

use super::{
    shared::{client_address::ForwardedHttps, origin::origin_of, with_callers},
    streamgate_api::error::AdminError,
    AppState,
};
pub use frames::{embed_origin, FramePolicy};

pub fn router(state: &AppState) -> Router<AppState> {
    let domain = state.domain.clone();
    let provide_domain = move || provide_context(domain.clone());
    let options = state.leptos_options.clone();
    let pages = Router::new()
        .merge(sign_in::router())
        .merge(files::router())
        .leptos_routes_with_context(state, generate_route_list(App), provide_domain, move || {
            shell(options.clone())
        })
        .fallback(file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(sign_in::guard_pages))
        .layer(middleware::from_fn_with_state(state.clone(), site_origin));
    with_callers::<AdminError>(pages, state).layer(middleware::from_fn_with_state(
        state.frame_policy.clone(),
        frames::frame_ancestors,
    ))
}

/// Tells the pages the origin viewers reach the site by (the embed snippet shows it).
async fn site_origin(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let https = request.extensions().get::<ForwardedHttps>().is_some();
    let origin = origin_of(state.public_origin.as_ref(), request.headers(), https);
    request
        .extensions_mut()
        .insert(SiteOrigin(origin.serialize()));
    next.run(request).await
}
