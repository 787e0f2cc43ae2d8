//! StreamGate's user interface: the viewer pages and the organizer dashboard, rendered on the
//! server and hydrated in the browser.

pub mod api;
mod components;
mod pages;
#[cfg(feature = "ssr")]
pub mod qr;
mod url;
mod viewer;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, Lazy, SsrMode,
};

use pages::{dashboard, EmbedPage, HomePage, LoginPage, NotFoundPage, WatchPage};

/// The HTML document around [`App`]; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href=stylesheet />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The routed application, shared by the server renderer and the hydrate entry.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "StreamGate".to_owned() } else { format!("{page} · StreamGate") }
        } />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage />
                <Route path=path!("/watch/:id") view=WatchPage />
                <Route path=path!("/embed/:id") view=EmbedPage />
                <Route path=path!("/admin/login") view=LoginPage />
                // Dashboard pages render completely on the server (`Async`) before they are sent,
                // so they read right before hydration and without JavaScript; in the browser
                // their code loads only when one is opened.
                <ParentRoute path=path!("/admin") view={Lazy::<dashboard::Layout>::new()} ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<dashboard::Overview>::new()} ssr=SsrMode::Async />
                    <Route path=path!("events") view={Lazy::<dashboard::Events>::new()} ssr=SsrMode::Async />
                    <Route path=path!("events/:id") view={Lazy::<dashboard::Event>::new()} ssr=SsrMode::Async />
                    <Route path=path!("events/:id/tickets") view={Lazy::<dashboard::Tickets>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users") view={Lazy::<dashboard::Users>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tokens") view={Lazy::<dashboard::ApiTokens>::new()} ssr=SsrMode::Async />
                    <Route path=path!("se-tokens") view={Lazy::<dashboard::SeTokens>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tips") view={Lazy::<dashboard::Tips>::new()} ssr=SsrMode::Async />
                    <Route path=path!("accounts") view={Lazy::<dashboard::Accounts>::new()} ssr=SsrMode::Async />
                    <Route path=path!("profile") view={Lazy::<dashboard::Profile>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
