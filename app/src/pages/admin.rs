//! `/admin`: the organizer dashboard (for now: the list of events, fetched through a server
//! function).

use leptos::prelude::*;
use leptos_meta::Title;
use streamgate_domain::model::{time, Event};

use crate::api::list_events;

#[component]
pub fn AdminPage() -> impl IntoView {
    let reloads = RwSignal::new(0u32);
    let events = Resource::new(move || reloads.get(), |_| list_events());

    view! {
        <Title text="Dashboard" />
        <main class="admin">
            <header class="admin-header">
                <h1>"Events"</h1>
                <button type="button" on:click=move |_| reloads.update(|n| *n += 1)>
                    "Refresh"
                </button>
            </header>
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
        </main>
    }
}

#[component]
fn EventTable(events: Vec<Event>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="empty">"No events yet."</p> }.into_any();
    }
    view! {
        <table class="events">
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
                        view! {
                            <tr>
                                <td>{event.title}</td>
                                <td><time>{time::format(&event.starts_at)}</time></td>
                                <td><time>{time::format(&event.ends_at)}</time></td>
                                <td>{if event.is_active { "Active" } else { "Inactive" }}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
