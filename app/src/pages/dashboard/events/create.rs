//! The events list's "New event" form and the server function it calls; on success the page
//! moves to the new event.

// The server function takes one argument per form field, which is how server functions read
// forms; the browser-side stub the `#[server]` macro writes cannot carry an `allow` itself.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use streamgate_domain::model::{Account, Event};
#[cfg(feature = "ssr")]
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::{api::server, components::event_form::read};
use crate::{
    api::AppError,
    components::{
        alerts::{field_error, refusal},
        event_form::EventFields,
    },
};

/// A new event. Times are UTC, as `datetime-local` inputs send them (`2025-03-15T09:00`) or
/// RFC 3339. `account_id` is for the superadmin; members create in their own account.
#[server(prefix = "/_rpc", endpoint = "events/create")]
pub async fn create_event(
    account_id: Option<String>,
    title: String,
    description: Option<String>,
    stream_url: Option<String>,
    poster_url: Option<String>,
    starts_at: String,
    ends_at: String,
    access_window_hours: Option<String>,
    public_playback: Option<String>,
    tip_alerts: Option<String>,
) -> Result<Event, AppError> {
    let (domain, principal) = server::caller()?;
    let asked = match account_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<Uuid>()
                .map_err(|_| server::invalid("accountId", "choose an account"))?,
        ),
    };
    let account_id = domain.accounts().acting_account(&principal, asked).await?;
    let input = streamgate_domain::model::NewEvent {
        title,
        description,
        stream_url,
        poster_url,
        starts_at: read::form_time("startsAt", &starts_at)?,
        ends_at: read::form_time("endsAt", &ends_at)?,
        access_window_hours: read::form_hours(access_window_hours.as_deref())?,
        public_playback: read::form_flag(public_playback.as_deref()),
        tip_alerts: read::form_flag(tip_alerts.as_deref()),
    };
    Ok(domain
        .events()
        .create(&principal, account_id, input, server::client_ip())
        .await?)
}

#[component]
pub fn CreateEventForm(accounts: Vec<Account>) -> impl IntoView {
    let create = ServerAction::<CreateEvent>::new();
    let errors = refusal(create.value());
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
