//! `/admin/events`: the events table with search, filters and pages, and (for those who may
//! write) the form that creates an event.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use streamgate_domain::model::{Account, EventSummary, Page, PageRequest, Permission};

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::{event_table::EventTable, loaded::Loaded, page::AdminMain, signed_in::SignedIn},
    url::query_string,
};

mod create;

use create::CreateEventForm;

/// Events per page of the events list.
pub const EVENTS_PER_PAGE: u32 = 25;
const _: () = assert!(EVENTS_PER_PAGE <= PageRequest::MAX_LIMIT);

/// The filters of the events table: (query value, label).
const FILTERS: [(&str, &str); 4] = [
    ("", "All events"),
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("archived", "Archived"),
];

/// The events list page: one page of the caller's events, and the accounts a new event may go
/// to (more than one only for the superadmin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsView {
    pub page: Page<EventSummary>,
    pub accounts: Vec<Account>,
}

/// A page of events: `search` in the title, `filter` one of `active`, `inactive`, `archived`
/// (anything else: all), from `cursor` (a previous page's `next_cursor`).
#[server(prefix = "/_rpc", endpoint = "events/search")]
pub async fn search_events(
    search: Option<String>,
    filter: Option<String>,
    cursor: Option<String>,
) -> Result<EventsView, AppError> {
    use streamgate_domain::model::EventQuery;
    let (domain, principal) = server::caller()?;
    let (is_active, is_archived) = match filter.as_deref() {
        Some("active") => (Some(true), Some(false)),
        Some("inactive") => (Some(false), Some(false)),
        Some("archived") => (None, Some(true)),
        _ => (None, None),
    };
    let query = EventQuery {
        search,
        is_active,
        is_archived,
        page: server::page_request(cursor, EVENTS_PER_PAGE),
    };
    let page = domain.events().list_summaries(&principal, query).await?;
    let accounts = domain.accounts().accounts(&principal).await?;
    Ok(EventsView { page, accounts })
}

#[component]
pub fn EventsPage() -> impl IntoView {
    let me = SignedIn::expect();
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let filter = move || query.with(|q| q.get("filter").unwrap_or_default());
    let cursor = move || query.with(|q| q.get("cursor"));
    let events = Resource::new(
        move || (search(), filter(), cursor()),
        |(search, filter, cursor)| search_events(Some(search), Some(filter), cursor),
    );
    let can_write = move || me.may(Permission::EventsWrite);
    let current_filter = filter();
    // This page's address with the current search and filter, and `more` pairs.
    let href = move |more: &[(&str, &str)]| {
        let (search, filter) = (search(), filter());
        let mut pairs = vec![("q", search.as_str()), ("filter", filter.as_str())];
        pairs.extend_from_slice(more);
        format!("/admin/events{}", query_string(&pairs))
    };

    view! {
        <AdminMain title="Events">
            <form method="get" action="/admin/events" class="inline-form filters" role="search">
                <label for="event-search">"Search titles"</label>
                <input id="event-search" type="search" name="q" value=search() />
                <label for="event-filter">"Show"</label>
                <select id="event-filter" name="filter">
                    {FILTERS
                        .into_iter()
                        .map(|(value, label)| {
                            view! {
                                <option value=value selected=value == current_filter>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="secondary">"Apply"</button>
            </form>
            <Loaded resource=events waiting="Loading events…" let:view>
                <SummaryTable page=view.page.clone() />
                <nav class="pager" aria-label="Event pages">
                    {cursor().is_some().then(|| view! { <a href=href(&[])>"First page"</a> })}
                    {view.page.next_cursor.clone().map(|cursor| {
                        view! { <a href=href(&[("cursor", &cursor)])>"Next page"</a> }
                    })}
                </nav>
                <Show when=can_write>
                    <CreateEventForm accounts=view.accounts.clone() />
                </Show>
            </Loaded>
        </AdminMain>
    }
}

#[component]
fn SummaryTable(page: Page<EventSummary>) -> impl IntoView {
    let rows = page
        .items
        .into_iter()
        .map(|summary| (summary.event, Some(summary.count.codes)))
        .collect::<Vec<_>>();
    view! {
        {(!rows.is_empty()).then(|| view! {
            <p class="muted" data-testid="events-total">
                {format!("{} event{}", page.total, if page.total == 1 { "" } else { "s" })}
            </p>
        })}
        <EventTable rows empty="No events match." utc=true testid="events" />
    }
}
