//! StreamGate's user interface: the viewer pages and the organizer dashboard, rendered on the
//! server and hydrated in the browser.

pub mod api;
mod components;
mod pages;
#[cfg(feature = "ssr")]
pub mod qr;
mod viewer;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

use pages::{
    AdminLayout, EventPage, EventsPage, HomePage, LoginPage, NotFoundPage, OverviewPage,
    ProfilePage, TicketsPage, UsersPage, WatchPage,
};

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
    // Effects run only in the browser: this marks the page once hydration has happened, which
    // the browser tests wait for before interacting.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "StreamGate".to_owned() } else { format!("{page} · StreamGate") }
        } />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage />
                <Route path=path!("/watch/:id") view=WatchPage />
                <Route path=path!("/admin/login") view=LoginPage />
                // Dashboard pages render completely on the server (`Async`) before they are sent,
                // so they read right before hydration and without JavaScript.
                <ParentRoute path=path!("/admin") view=AdminLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage ssr=SsrMode::Async />
                    <Route path=path!("events") view=EventsPage ssr=SsrMode::Async />
                    <Route path=path!("events/:id") view=EventPage ssr=SsrMode::Async />
                    <Route path=path!("events/:id/tickets") view=TicketsPage ssr=SsrMode::Async />
                    <Route path=path!("users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("profile") view=ProfilePage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
