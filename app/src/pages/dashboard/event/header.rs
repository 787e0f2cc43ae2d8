//! The event page's header: the title, its status and code count, and the switches that turn
//! the event on or off and archive it.

use leptos::prelude::*;
use leptos_meta::Title;
use streamgate_domain::model::{Event, EventSummary};
use uuid::Uuid;

use super::Allowed;
#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{api::AppError, components::event_table::status_label};

/// `activate`, `deactivate`, `archive` or `unarchive`.
#[server(prefix = "/_rpc", endpoint = "events/switch")]
pub async fn switch_event(id: Uuid, switch: String) -> Result<Event, AppError> {
    use streamgate_domain::service::EventSwitch;
    let (domain, principal) = server::caller()?;
    let switch = match switch.as_str() {
        "activate" => EventSwitch::Activate,
        "deactivate" => EventSwitch::Deactivate,
        "archive" => EventSwitch::Archive,
        "unarchive" => EventSwitch::Unarchive,
        _ => return Err(server::invalid("switch", "unknown switch")),
    };
    Ok(domain
        .events()
        .switch(&principal, id, switch, server::client_ip())
        .await?)
}

#[component]
pub fn EventHeader(
    summary: EventSummary,
    allowed: Allowed,
    switch: ServerAction<SwitchEvent>,
) -> impl IntoView {
    let event = summary.event;
    let id = event.id.to_string();
    let switch_button = |value: &'static str, label: &'static str| {
        let id = id.clone();
        view! {
            <ActionForm action=switch>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="switch" value=value />
                <button type="submit" class="secondary">{label}</button>
            </ActionForm>
        }
    };
    let switches = allowed.edit.then(|| {
        view! {
            <div class="switches">
                {if event.is_active {
                    switch_button("deactivate", "Deactivate")
                } else {
                    switch_button("activate", "Activate")
                }}
                {if event.is_archived {
                    switch_button("unarchive", "Unarchive")
                } else {
                    switch_button("archive", "Archive")
                }}
            </div>
        }
    });
    view! {
        <Title text=event.title.clone() />
        <p class="breadcrumb">
            <a href="/admin/events">"Events"</a>
        </p>
        <header class="admin-header">
            <div>
                <h1>{event.title.clone()}</h1>
                <p class="muted">
                    <span class="badge" data-testid="event-status">{status_label(&event)}</span>
                    " · "
                    {format!("{} codes", summary.count.codes)}
                </p>
            </div>
            {switches}
        </header>
    }
}
