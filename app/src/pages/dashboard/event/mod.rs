//! `/admin/events/:id`: one event. Its details and edit form, the on/off and archive switches,
//! the embed snippet, its access codes (filter, search, keyset pages, generate, revoke, bulk
//! revoke, copy, QR, CSV, printable tickets) and deleting it. Controls the caller's role lacks
//! are not shown (the server refuses them anyway).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use streamgate_domain::model::{EventSummary, Permission};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::{
        alerts::{report_failures, Alert, PageError},
        event_route::{named_event, use_event_id},
        loaded::Loaded,
        signed_in::SignedIn,
    },
};

mod bulk_revoke;
mod codes;
mod codes_table;
mod delete;
mod details;
mod embed_snippet;
mod generate_dialog;
mod header;

use codes::CodesSection;
use delete::{DeleteEvent, DeleteEventForm};
use details::{EventDetails, UpdateEvent};
use embed_snippet::EmbedSnippet;
use generate_dialog::GenerateCodes;
use header::{EventHeader, SwitchEvent};

/// One event with its code count.
#[server(prefix = "/_rpc", endpoint = "events/get")]
pub async fn get_event(id: Uuid) -> Result<EventSummary, AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain.events().get_summary(&principal, id).await?)
}

/// What the signed-in user may do here.
#[derive(Clone, Copy, Default)]
struct Allowed {
    edit: bool,
    delete: bool,
    generate: bool,
    revoke: bool,
    export: bool,
}

#[component]
pub fn EventPage() -> impl IntoView {
    let me = SignedIn::expect();
    let id = use_event_id();

    let switch = ServerAction::<SwitchEvent>::new();
    let update = ServerAction::<UpdateEvent>::new();
    let delete = ServerAction::<DeleteEvent>::new();
    let generate = ServerAction::<GenerateCodes>::new();

    let event = Resource::new(
        move || {
            (
                id.get(),
                switch.version().get(),
                update.version().get(),
                generate.version().get(),
            )
        },
        |(id, ..)| async move { get_event(named_event(id)?).await },
    );
    let allowed = Signal::derive(move || {
        me.get()
            .map(|me| Allowed {
                edit: me.may(Permission::EventsWrite),
                delete: me.may(Permission::EventsDelete),
                generate: me.may(Permission::CodesCreate),
                revoke: me.may(Permission::CodesRevoke),
                export: me.may(Permission::CodesExport),
            })
            .unwrap_or_default()
    });
    // Code statuses follow the event: its codes reload when it is switched or edited.
    let event_changed = Signal::derive(move || (update.version().get(), switch.version().get()));

    // The outcome of the latest switch or code action: its error stays until another succeeds.
    let action_error = RwSignal::new(None::<AppError>);
    report_failures(switch.value(), action_error);

    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/admin/events", Default::default());
        }
    });

    view! {
        <main class="admin">
            <Loaded resource=event waiting="Loading the event…" failed=failed let:summary>
                <EventHeader summary=summary.clone() allowed=allowed.get() switch />
                {move || action_error.get().map(|error| view! { <Alert error /> })}
                <EventDetails event=summary.event.clone() allowed=allowed.get() update />
                <EmbedSnippet event=summary.event.clone() />
            </Loaded>
            <CodesSection event_id=id allowed generate event_changed action_error />
            <Transition fallback=|| ()>
                {move || {
                    event
                        .get()
                        .and_then(Result::ok)
                        .filter(|_| allowed.get().delete)
                        .map(|summary| {
                            view! { <DeleteEventForm event=summary.event delete /> }
                        })
                }}
            </Transition>
        </main>
    }
}

/// An event that cannot be shown still names the page.
fn failed(error: AppError) -> AnyView {
    view! { <PageError title="Event" heading="Event" error /> }.into_any()
}
