//! The events tables of the overview and the events list, and how an event's state is named.

use leptos::prelude::*;
use streamgate_domain::model::{time, Event};

/// "Archived", "Active" or "Inactive".
pub fn status_label(event: &Event) -> &'static str {
    match (event.is_archived, event.is_active) {
        (true, _) => "Archived",
        (false, true) => "Active",
        (false, false) => "Inactive",
    }
}

/// Events with links to their pages, or `empty` when there are none. Rows that carry their
/// number of codes get a "Codes" column; `utc`: the time headings say the times are UTC.
#[component]
pub fn EventTable(
    rows: Vec<(Event, Option<i64>)>,
    empty: &'static str,
    #[prop(optional)] utc: bool,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let counted = rows.iter().any(|(_, codes)| codes.is_some());
    let zone = if utc { " (UTC)" } else { "" };
    view! {
        <table class="data" data-testid=testid>
            <thead>
                <tr>
                    <th scope="col">"Title"</th>
                    <th scope="col">{format!("Starts{zone}")}</th>
                    <th scope="col">{format!("Ends{zone}")}</th>
                    {counted.then(|| view! { <th scope="col">"Codes"</th> })}
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|(event, codes)| {
                        let href = format!("/admin/events/{}", event.id);
                        let status = status_label(&event);
                        view! {
                            <tr>
                                <td><a href=href>{event.title}</a></td>
                                <td><time>{time::format(&event.starts_at)}</time></td>
                                <td><time>{time::format(&event.ends_at)}</time></td>
                                {codes.map(|codes| view! { <td>{codes}</td> })}
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
