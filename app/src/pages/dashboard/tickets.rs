//! `/admin/events/:id/tickets`: a printable sheet of tickets, each with the event's title, the
//! code and a QR code that opens the ticket page with the code filled in. It prints the codes
//! the filter names (by default the unused ones), up to [`TICKETS_PER_SHEET`] per sheet, with
//! a link to the next sheet. The QR images are drawn on the server.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use streamgate_domain::model::{CodeStatus, Event, PageRequest};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::{api::server, components::code_list::codes_page};
use crate::{
    api::AppError,
    components::{
        alerts::PageError,
        code_list::{status_options, CodesView},
        event_route::{named_event, use_event_id},
        loaded::Loaded,
    },
    url::query_string,
};

/// Codes per printed ticket sheet.
pub const TICKETS_PER_SHEET: u32 = 100;
const _: () = assert!(TICKETS_PER_SHEET <= PageRequest::MAX_LIMIT);

/// The printable ticket sheet: the event's title and the codes to print.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSheet {
    pub event: Event,
    pub codes: CodesView,
}

/// The printable ticket sheet: up to [`TICKETS_PER_SHEET`] codes of the event (default: the
/// unused ones) from `cursor`.
#[server(prefix = "/_rpc", endpoint = "codes/tickets")]
pub async fn get_ticket_sheet(
    event_id: Uuid,
    status: Option<String>,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<TicketSheet, AppError> {
    let (domain, principal) = server::caller()?;
    let event = domain.events().get(&principal, event_id).await?;
    let status = status.or_else(|| Some(CodeStatus::Unused.as_str().to_owned()));
    let codes = codes_page(event_id, status, search, cursor, TICKETS_PER_SHEET).await?;
    Ok(TicketSheet { event, codes })
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let id = use_event_id();
    let query = use_query_map();
    let status = move || {
        query
            .with(|q| q.get("status"))
            .filter(|status| !status.is_empty())
            .unwrap_or_else(|| CodeStatus::Unused.as_str().to_owned())
    };
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let cursor = move || query.with(|q| q.get("cursor").filter(|c| !c.is_empty()));
    let sheet = Resource::new(
        move || (id.get(), status(), search(), cursor()),
        |(id, status, search, cursor)| async move {
            get_ticket_sheet(named_event(id)?, Some(status), Some(search), cursor).await
        },
    );
    let current_status = status();

    view! {
        <main class="admin tickets-page">
            <Loaded resource=sheet waiting="Loading tickets…" failed=failed let:sheet>
                <Sheet
                    sheet
                    status=status()
                    search=search()
                    current_status=current_status.clone()
                />
            </Loaded>
        </main>
    }
}

/// One sheet: the heading with the print button, the filter, the tickets, the next sheet.
#[component]
fn Sheet(
    sheet: TicketSheet,
    status: String,
    search: String,
    current_status: String,
) -> impl IntoView {
    let event = sheet.event;
    let back = format!("/admin/events/{}", event.id);
    let next = sheet.codes.next_cursor.as_ref().map(|cursor| {
        format!(
            "/admin/events/{}/tickets{}",
            event.id,
            query_string(&[("status", &status), ("q", &search), ("cursor", cursor)],),
        )
    });
    let count = sheet.codes.rows.len();
    let title = event.title.clone();
    view! {
        <Title text=format!("Tickets · {}", event.title) />
        <header class="admin-header no-print">
            <div>
                <p class="breadcrumb">
                    <a href=back>{format!("Back to {}", event.title)}</a>
                </p>
                <h1>"Printable tickets"</h1>
                <p class="muted">
                    {format!(
                        "{count} of {} {} codes on this sheet (at most {TICKETS_PER_SHEET}).",
                        sheet.codes.total,
                        status,
                    )}
                </p>
            </div>
            <PrintButton />
        </header>
        <form method="get" class="inline-form filters no-print" role="search">
            <label for="ticket-status">"Codes"</label>
            <select id="ticket-status" name="status">
                {status_options(current_status)}
            </select>
            <label for="ticket-search">"Code or label contains"</label>
            <input id="ticket-search" type="search" name="q" value=search />
            <button type="submit" class="secondary">"Show"</button>
        </form>
        {(count == 0).then(|| view! { <p class="empty">"No codes to print."</p> })}
        <div class="ticket-sheet" data-testid="tickets">
            {sheet
                .codes
                .rows
                .into_iter()
                .map(|row| {
                    let code = row.code;
                    view! {
                        <article class="ticket" data-code=code.code.clone()>
                            <img
                                src=format!("/admin/codes/{}/qr.svg", code.id)
                                alt=format!("QR code for {}", code.code)
                                width="140"
                                height="140"
                            />
                            <div>
                                <p class="ticket-event">{title.clone()}</p>
                                <p class="ticket-code">
                                    <code>{code.code.clone()}</code>
                                </p>
                                <p class="ticket-hint">
                                    "Scan the QR code, or enter the code on the ticket page."
                                </p>
                                {code.label.map(|label| view! { <p class="ticket-label">{label}</p> })}
                            </div>
                        </article>
                    }
                })
                .collect_view()}
        </div>
        <nav class="pager no-print" aria-label="Ticket sheets">
            {next.map(|href| view! { <a href=href>"Next sheet"</a> })}
        </nav>
    }
}

/// A sheet that cannot be shown still names the page.
fn failed(error: AppError) -> AnyView {
    view! { <PageError title="Tickets" heading="Printable tickets" error /> }.into_any()
}

/// Opens the browser's print dialog (after hydration; Ctrl+P works regardless).
#[component]
fn PrintButton() -> impl IntoView {
    view! {
        <button type="button" on:click=move |_| print()>
            "Print"
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

#[cfg(not(feature = "hydrate"))]
fn print() {}
