//! The Leptos door: server-rendered pages, server functions (`/_rpc/…`) and the built site's
//! static files, with the domain provided as context to all of them; the dashboard's plain
//! sign-in forms and the files its pages link to.

mod files;
mod sign_in;

use axum::{middleware, Router};
use leptos::prelude::provide_context;
use leptos_axum::{file_and_error_handler, generate_route_list, LeptosRoutes};
use streamgate_app::{shell, App};

use super::{shared::with_callers, streamgate_api::error::AdminError, AppState};

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
        .layer(middleware::from_fn(sign_in::guard_pages));
    with_callers::<AdminError>(pages, state)
}
