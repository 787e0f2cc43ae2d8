//! The signed-in dashboard: the layout every `/admin` page shares (navigation, who is signed
//! in, sign-out) and the overview at `/admin` (stat cards and the events).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};
use streamgate_domain::model::{time, DashboardStats, Event, Me, Permission};

use super::events::status_label;
use crate::api::{current_user, get_dashboard, list_events};

/// The signed-in user, shared with the pages inside the layout.
pub type CurrentUser = Resource<Result<Me, crate::api::AppError>>;

#[component]
pub fn AdminLayout() -> impl IntoView {
    let me: CurrentUser = Resource::new(|| (), |_| current_user());
    provide_context(me);

    view! {
        <div class="dashboard">
            <header class="topbar">
                <a class="brand" href="/admin">"StreamGate"</a>
                <nav aria-label="Dashboard">
                    <A href="/admin/events">"Events"</A>
                    <Transition fallback=|| ()>
                        {move || {
                            me.get()
                                .and_then(Result::ok)
                                .filter(|me| me.may(Permission::UsersRead))
                                .map(|_| view! { <A href="/admin/users">"Users"</A> })
                        }}
                    </Transition>
                    <A href="/admin/profile">"Profile"</A>
                </nav>
                <Transition fallback=|| ()>
                    {move || me.get().and_then(Result::ok).map(|me| view! {
                        <span class="who" data-testid="signed-in-as">{describe(&me)}</span>
                    })}
                </Transition>
                <form method="post" action="/admin/logout">
                    <button type="submit" class="secondary">"Sign out"</button>
                </form>
            </header>
            <Outlet />
        </div>
    }
}

/// "ada@example.com · editor", or the break-glass admin.
fn describe(me: &Me) -> String {
    match (&me.email, me.role) {
        (Some(email), Some(role)) => format!("{email} · {role}"),
        _ if me.is_superadmin => "Platform admin".to_owned(),
        _ => String::new(),
    }
}

/// `/admin`: the account's counts and its events.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let reloads = RwSignal::new(0u32);
    let stats = Resource::new(move || reloads.get(), |_| get_dashboard());
    let events = Resource::new(move || reloads.get(), |_| list_events());

    view! {
        <Title text="Overview" />
        <main class="admin">
            <header class="admin-header">
                <h1>"Overview"</h1>
                <button type="button" on:click=move |_| reloads.update(|n| *n += 1)>
                    "Refresh"
                </button>
            </header>
            <Transition fallback=|| view! { <p>"Loading counts…"</p> }>
                {move || {
                    stats
                        .get()
                        .map(|result| match result {
                            Ok(stats) => view! { <StatCards stats /> }.into_any(),
                            Err(err) => {
                                view! { <p class="error" role="alert">{err.to_string()}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            <h2>"Events"</h2>
            <Transition fallback=|| view! { <p>"Loading events…"</p> }>
                {move || {
                    events
                        .get()
                        .map(|result| match result {
                            Ok(list) => view! { <EventTable events=list /> }.into_any(),
                            Err(err) => {
                                view! { <p class="error" role="alert">{err.to_string()}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            <p>
                <a href="/admin/events">"Search, create and manage events"</a>
            </p>
        </main>
    }
}

#[component]
fn StatCards(stats: DashboardStats) -> impl IntoView {
    let cards = [
        ("stat-events", "Events", stats.total_events),
        ("stat-active-events", "Active events", stats.active_events),
        ("stat-codes", "Access codes", stats.total_tokens),
        ("stat-redeemed", "Redeemed codes", stats.redeemed_tokens),
        ("stat-viewers", "Viewers now", stats.active_viewers),
    ];
    view! {
        <dl class="stats">
            {cards
                .into_iter()
                .map(|(id, label, value)| {
                    view! {
                        <div class="stat" data-testid=id>
                            <dt>{label}</dt>
                            <dd>{value}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

#[component]
fn EventTable(events: Vec<Event>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="empty">"No events yet."</p> }.into_any();
    }
    view! {
        <table class="data">
            <thead>
                <tr>
                    <th scope="col">"Title"</th>
                    <th scope="col">"Starts"</th>
                    <th scope="col">"Ends"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {events
                    .into_iter()
                    .map(|event| {
                        let href = format!("/admin/events/{}", event.id);
                        let status = status_label(&event);
                        view! {
                            <tr>
                                <td><a href=href>{event.title}</a></td>
                                <td><time>{time::format(&event.starts_at)}</time></td>
                                <td><time>{time::format(&event.ends_at)}</time></td>
                                <td>{status}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
