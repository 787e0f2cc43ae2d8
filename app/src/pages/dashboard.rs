//! The organizer dashboard's pages as lazily loaded routes: with `cargo leptos build --split`
//! their code is a separate part of the wasm bundle, fetched when an organizer opens the
//! dashboard, so viewers never download it.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use super::{
    AdminLayout, EventPage, EventsPage, OverviewPage, ProfilePage, TicketsPage, UsersPage,
};

pub struct Layout;

#[lazy_route]
impl LazyRoute for Layout {
    fn data() -> Self {
        Layout
    }

    fn view(_this: Self) -> AnyView {
        view! { <AdminLayout /> }.into_any()
    }
}

pub struct Overview;

#[lazy_route]
impl LazyRoute for Overview {
    fn data() -> Self {
        Overview
    }

    fn view(_this: Self) -> AnyView {
        view! { <OverviewPage /> }.into_any()
    }
}

pub struct Events;

#[lazy_route]
impl LazyRoute for Events {
    fn data() -> Self {
        Events
    }

    fn view(_this: Self) -> AnyView {
        view! { <EventsPage /> }.into_any()
    }
}

pub struct Event;

#[lazy_route]
impl LazyRoute for Event {
    fn data() -> Self {
        Event
    }

    fn view(_this: Self) -> AnyView {
        view! { <EventPage /> }.into_any()
    }
}

pub struct Tickets;

#[lazy_route]
impl LazyRoute for Tickets {
    fn data() -> Self {
        Tickets
    }

    fn view(_this: Self) -> AnyView {
        view! { <TicketsPage /> }.into_any()
    }
}

pub struct Users;

#[lazy_route]
impl LazyRoute for Users {
    fn data() -> Self {
        Users
    }

    fn view(_this: Self) -> AnyView {
        view! { <UsersPage /> }.into_any()
    }
}

pub struct Profile;

#[lazy_route]
impl LazyRoute for Profile {
    fn data() -> Self {
        Profile
    }

    fn view(_this: Self) -> AnyView {
        view! { <ProfilePage /> }.into_any()
    }
}
