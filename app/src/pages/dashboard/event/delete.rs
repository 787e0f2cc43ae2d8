//! Deleting the event: typing its title enables the button; the server checks it too.

use leptos::prelude::*;
use streamgate_domain::model::Event;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::alerts::{field_error, other_error, refusal},
};

/// Deletes an event with its codes, once `confirm` repeats the event's title exactly.
#[server(prefix = "/_rpc", endpoint = "events/delete")]
pub async fn delete_event(id: Uuid, confirm: String) -> Result<(), AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain
        .events()
        .delete(&principal, id, Some(&confirm), server::client_ip())
        .await?)
}

#[component]
pub fn DeleteEventForm(event: Event, delete: ServerAction<DeleteEvent>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let title = event.title.clone();
    let matches = move || typed.with(|typed| *typed == title);
    let errors = refusal(delete.value());
    view! {
        <section class="panel danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete this event"</h2>
            <p>
                "Deleting removes the event, all its access codes and their viewers' sessions. It cannot be undone."
            </p>
            <ActionForm action=delete attr:class="stacked-form">
                <input type="hidden" name="id" value=event.id.to_string() />
                <label for="delete-confirm">
                    "Type the event title to confirm: " <strong>{event.title.clone()}</strong>
                </label>
                <input
                    id="delete-confirm"
                    name="confirm"
                    type="text"
                    autocomplete="off"
                    aria-describedby="delete-confirm-error"
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                {field_error(errors, "confirm", "delete-confirm-error")}
                {other_error(errors, &["confirm"])}
                <button
                    type="submit"
                    class="danger"
                    disabled=move || !matches() || delete.pending().get()
                >
                    "Delete event"
                </button>
            </ActionForm>
        </section>
    }
}
