//! The organizer dashboard, one module per page, each with the server functions it calls. The
//! pages are lazily loaded routes: with `cargo leptos build --split` their code is a separate
//! part of the wasm bundle, fetched when an organizer opens the dashboard, so viewers never
//! download it.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

mod accounts;
mod api_tokens;
mod event;
mod events;
mod layout;
mod overview;
mod profile;
mod se_tokens;
mod tickets;
mod tips;
mod users;

use accounts::AccountsPage;
use api_tokens::ApiTokensPage;
use event::EventPage;
use events::EventsPage;
use layout::AdminLayout;
use overview::OverviewPage;
use profile::ProfilePage;
use se_tokens::SeTokensPage;
use tickets::TicketsPage;
use tips::TipsPage;
use users::UsersPage;

/// Declares each dashboard page as a lazily loaded route.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),+ $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    )+};
}

lazy_pages!(
    Layout => AdminLayout,
    Overview => OverviewPage,
    Events => EventsPage,
    Event => EventPage,
    Tickets => TicketsPage,
    Users => UsersPage,
    ApiTokens => ApiTokensPage,
    SeTokens => SeTokensPage,
    Tips => TipsPage,
    Accounts => AccountsPage,
    Profile => ProfilePage,
);
