//! The event page's details (times, until when codes work, the stream) and, for those who may
//! edit, the edit form with the server function it calls.

// The server function takes one argument per form field, which is how server functions read
// forms; the browser-side stub the `#[server]` macro writes cannot carry an `allow` itself.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use streamgate_domain::model::{time, Event};
use uuid::Uuid;

use super::Allowed;
#[cfg(feature = "ssr")]
use crate::{api::server, components::event_form::read};
use crate::{
    api::AppError,
    components::{alerts::refusal, event_form::EventFields},
};

/// Changes an event's fields (every field of the edit form; blank optional fields clear).
#[server(prefix = "/_rpc", endpoint = "events/update")]
pub async fn update_event(
    id: Uuid,
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
    let patch = streamgate_domain::model::EventPatch {
        title: Some(title),
        description: Some(description),
        stream_url: Some(stream_url),
        poster_url: Some(poster_url),
        starts_at: Some(read::form_time("startsAt", &starts_at)?),
        ends_at: Some(read::form_time("endsAt", &ends_at)?),
        access_window_hours: read::form_hours(access_window_hours.as_deref())?,
        public_playback: Some(read::form_flag(public_playback.as_deref())),
        tip_alerts: Some(read::form_flag(tip_alerts.as_deref())),
        ..Default::default()
    };
    Ok(domain
        .events()
        .update(&principal, id, patch, server::client_ip())
        .await?)
}

#[component]
pub fn EventDetails(
    event: Event,
    allowed: Allowed,
    update: ServerAction<UpdateEvent>,
) -> impl IntoView {
    let errors = refusal(update.value());
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let id = event.id.to_string();
    let edit = allowed.edit.then(|| {
        let event = event.clone();
        view! {
            <details class="panel" open=move || errors.with(Option::is_some)>
                <summary>"Edit event"</summary>
                <ActionForm action=update attr:class="stacked-form">
                    <input type="hidden" name="id" value=id.clone() />
                    <EventFields prefix="edit-event" event=Some(event.clone()) errors />
                    <button type="submit" disabled=move || update.pending().get()>
                        "Save changes"
                    </button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <dl class="details">
            <div>
                <dt>"Starts (UTC)"</dt>
                <dd><time>{time::format(&event.starts_at)}</time></dd>
            </div>
            <div>
                <dt>"Ends (UTC)"</dt>
                <dd><time>{time::format(&event.ends_at)}</time></dd>
            </div>
            <div>
                <dt>"Codes work until"</dt>
                <dd><time>{time::format(&event.codes_expire_at())}</time></dd>
            </div>
            <div>
                <dt>"Stream"</dt>
                <dd>{event.stream_url.clone().unwrap_or_else(|| "Encoded here".into())}</dd>
            </div>
        </dl>
        {event.description.clone().map(|text| view! { <p class="description">{text}</p> })}
        {move || saved().then(|| view! { <p class="notice" role="status">"Changes saved."</p> })}
        {edit}
    }
}
