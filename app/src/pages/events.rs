//! `/admin/events`: the events table with search and filters, and the form that creates an
//! event. The event form's fields are shared with the edit form on the event page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use streamgate_domain::model::{time, Account, Event, EventSummary, Page, Permission};

use super::admin::CurrentUser;
use crate::api::{search_events, AppError, CreateEvent};

/// The filters of the events table: (query value, label).
const FILTERS: [(&str, &str); 4] = [
    ("", "All events"),
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("archived", "Archived"),
];

#[component]
pub fn EventsPage() -> impl IntoView {
    let me = expect_context::<CurrentUser>();
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let filter = move || query.with(|q| q.get("filter").unwrap_or_default());
    let cursor = move || query.with(|q| q.get("cursor"));
    let events = Resource::new(
        move || (search(), filter(), cursor()),
        |(search, filter, cursor)| search_events(Some(search), Some(filter), cursor),
    );
    let can_write = move || {
        me.get()
            .and_then(Result::ok)
            .is_some_and(|me| me.may(Permission::EventsWrite))
    };
    let current_filter = filter();

    view! {
        <Title text="Events" />
        <main class="admin">
            <header class="admin-header">
                <h1>"Events"</h1>
            </header>
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
            <Transition fallback=|| view! { <p>"Loading events…"</p> }>
                {move || {
                    events
                        .get()
                        .map(|result| match result {
                            Ok(view) => {
                                let accounts = view.accounts;
                                let next = view
                                    .page
                                    .next_cursor
                                    .clone()
                                    .map(|cursor| {
                                        format!(
                                            "/admin/events{}",
                                            query_string(
                                                &[("q", &search()), ("filter", &filter()), ("cursor", &cursor)],
                                            ),
                                        )
                                    });
                                let first = cursor()
                                    .is_some()
                                    .then(|| {
                                        format!(
                                            "/admin/events{}",
                                            query_string(&[("q", &search()), ("filter", &filter())]),
                                        )
                                    });
                                view! {
                                    <SummaryTable page=view.page />
                                    <nav class="pager" aria-label="Event pages">
                                        {first.map(|href| view! { <a href=href>"First page"</a> })}
                                        {next.map(|href| view! { <a href=href>"Next page"</a> })}
                                    </nav>
                                    <Show when=can_write>
                                        <CreateEventForm accounts=accounts.clone() />
                                    </Show>
                                }
                                    .into_any()
                            }
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
fn SummaryTable(page: Page<EventSummary>) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty">"No events match."</p> }.into_any();
    }
    view! {
        <p class="muted" data-testid="events-total">
            {format!("{} event{}", page.total, if page.total == 1 { "" } else { "s" })}
        </p>
        <table class="data" data-testid="events">
            <thead>
                <tr>
                    <th scope="col">"Title"</th>
                    <th scope="col">"Starts (UTC)"</th>
                    <th scope="col">"Ends (UTC)"</th>
                    <th scope="col">"Codes"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|summary| {
                        let event = summary.event;
                        let href = format!("/admin/events/{}", event.id);
                        let status = status_label(&event);
                        view! {
                            <tr>
                                <td><a href=href>{event.title}</a></td>
                                <td><time>{time::format(&event.starts_at)}</time></td>
                                <td><time>{time::format(&event.ends_at)}</time></td>
                                <td>{summary.count.tokens}</td>
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

/// A new event; on success the page moves to it.
#[component]
fn CreateEventForm(accounts: Vec<Account>) -> impl IntoView {
    let create = ServerAction::<CreateEvent>::new();
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(event)) = create.value().get() {
            navigate(&format!("/admin/events/{}", event.id), Default::default());
        }
    });
    view! {
        <section class="panel" aria-labelledby="create-event-heading">
            <h2 id="create-event-heading">"New event"</h2>
            <ActionForm action=create attr:class="stacked-form">
                <AccountField accounts errors />
                <EventFields prefix="new-event" event=None errors />
                <button type="submit" disabled=move || create.pending().get()>
                    "Create event"
                </button>
            </ActionForm>
        </section>
    }
}

/// The account a new event goes to: a choice only for whoever sees several (the superadmin).
#[component]
fn AccountField(accounts: Vec<Account>, errors: Signal<Option<AppError>>) -> impl IntoView {
    match accounts.len() {
        0 => ().into_any(),
        1 => view! { <input type="hidden" name="account_id" value=accounts[0].id.to_string() /> }
            .into_any(),
        _ => view! {
            <label for="new-event-account">"Account"</label>
            <select id="new-event-account" name="account_id">
                {accounts
                    .into_iter()
                    .map(|account| {
                        view! { <option value=account.id.to_string()>{account.name}</option> }
                    })
                    .collect_view()}
            </select>
            {field_error(errors, "accountId", "new-event-account-error")}
        }
        .into_any(),
    }
}

/// The event form's fields, empty or holding `event`'s values. Each shows the domain's message
/// when the last submission was refused because of it.
#[component]
pub(super) fn EventFields(
    prefix: &'static str,
    event: Option<Event>,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = move |field: &str| format!("{prefix}-{field}");
    let error_id = move |field: &str| format!("{prefix}-{field}-error");
    let invalid = move |field: &'static str| {
        move || {
            errors.with(|err| matches!(err, Some(AppError::Invalid { field: f, .. }) if f == field))
        }
    };
    let value =
        |get: fn(&Event) -> Option<String>| event.as_ref().and_then(get).unwrap_or_default();
    let title = value(|e| Some(e.title.clone()));
    let description = value(|e| e.description.clone());
    let starts_at = value(|e| Some(form_time(&e.starts_at)));
    let ends_at = value(|e| Some(form_time(&e.ends_at)));
    let hours = value(|e| Some(e.access_window_hours.to_string()));
    let stream_url = value(|e| e.stream_url.clone());
    let poster_url = value(|e| e.poster_url.clone());
    // Errors the fields below do not name (permission, storage) show above them.
    let other_error = move || {
        errors.get().and_then(|err| match &err {
            AppError::Invalid { field, .. } if EVENT_FIELDS.contains(&field.as_str()) => None,
            _ => Some(view! { <p class="error" role="alert">{err.to_string()}</p> }),
        })
    };

    view! {
        {other_error}
        <label for=id("title")>"Title"</label>
        <input
            id=id("title")
            name="title"
            type="text"
            maxlength="200"
            required
            value=title
            aria-invalid=move || invalid("title")().to_string()
            aria-describedby=error_id("title")
        />
        {field_error(errors, "title", error_id("title"))}
        <label for=id("description")>"Description (optional)"</label>
        <textarea
            id=id("description")
            name="description"
            rows="3"
            aria-invalid=move || invalid("description")().to_string()
            aria-describedby=error_id("description")
        >
            {description}
        </textarea>
        {field_error(errors, "description", error_id("description"))}
        <label for=id("starts")>"Starts (UTC)"</label>
        <input
            id=id("starts")
            name="starts_at"
            type="datetime-local"
            required
            value=starts_at
            aria-invalid=move || invalid("startsAt")().to_string()
            aria-describedby=error_id("starts")
        />
        {field_error(errors, "startsAt", error_id("starts"))}
        <label for=id("ends")>"Ends (UTC)"</label>
        <input
            id=id("ends")
            name="ends_at"
            type="datetime-local"
            required
            value=ends_at
            aria-invalid=move || invalid("endsAt")().to_string()
            aria-describedby=error_id("ends")
        />
        {field_error(errors, "endsAt", error_id("ends"))}
        <label for=id("hours")>"Access window after the end, in hours (1–168, default 48)"</label>
        <input
            id=id("hours")
            name="access_window_hours"
            type="number"
            min="1"
            max="168"
            value=hours
            aria-invalid=move || invalid("accessWindowHours")().to_string()
            aria-describedby=error_id("hours")
        />
        {field_error(errors, "accessWindowHours", error_id("hours"))}
        <label for=id("stream")>"Stream URL (optional, http or https)"</label>
        <input
            id=id("stream")
            name="stream_url"
            type="url"
            value=stream_url
            aria-invalid=move || invalid("streamUrl")().to_string()
            aria-describedby=error_id("stream")
        />
        {field_error(errors, "streamUrl", error_id("stream"))}
        <label for=id("poster")>"Poster image URL (optional)"</label>
        <input
            id=id("poster")
            name="poster_url"
            type="url"
            value=poster_url
            aria-invalid=move || invalid("posterUrl")().to_string()
            aria-describedby=error_id("poster")
        />
        {field_error(errors, "posterUrl", error_id("poster"))}
    }
}

/// The domain's field names the event form shows errors next to.
const EVENT_FIELDS: [&str; 8] = [
    "title",
    "description",
    "startsAt",
    "endsAt",
    "accessWindowHours",
    "streamUrl",
    "posterUrl",
    "accountId",
];

/// The message of the latest refusal when it names `field` (the domain's field name), shown
/// next to that field.
pub(super) fn field_error(
    errors: Signal<Option<AppError>>,
    field: &'static str,
    id: impl Into<String>,
) -> impl IntoView {
    let id = id.into();
    move || {
        errors.with(|err| match err {
            Some(AppError::Invalid { field: f, message }) if f == field => Some(view! {
                <p class="field-error" id=id.clone() role="alert">{message.clone()}</p>
            }),
            _ => None,
        })
    }
}

/// A `datetime-local` value (UTC, minutes).
fn form_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

pub(super) fn status_label(event: &Event) -> &'static str {
    match (event.is_archived, event.is_active) {
        (true, _) => "Archived",
        (false, true) => "Active",
        (false, false) => "Inactive",
    }
}

/// `?a=1&b=2` of the non-empty pairs, percent-encoded; empty when none.
pub(super) fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_skip_empty_values_and_encode() {
        assert_eq!(query_string(&[("q", ""), ("status", "")]), "");
        assert_eq!(
            query_string(&[("q", "a b&c"), ("status", "unused")]),
            "?q=a%20b%26c&status=unused"
        );
    }
}
