//! `/admin/events/:id/tickets`: a printable sheet of tickets, each with the event's title, the
//! code and a QR code that opens the ticket page with the code filled in. It prints the codes
//! the filter names (by default the unused ones), up to [`TICKETS_PER_SHEET`] per sheet, with
//! a link to the next sheet. The QR images are drawn on the server.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use streamgate_domain::model::CodeStatus;
use uuid::Uuid;

use super::events::query_string;
use crate::api::{get_ticket_sheet, AppError, TICKETS_PER_SHEET};

#[component]
pub fn TicketsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok()));
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
        move || (id(), status(), search(), cursor()),
        |(id, status, search, cursor)| async move {
            match id {
                Some(id) => get_ticket_sheet(id, Some(status), Some(search), cursor).await,
                None => Err(AppError::NotFound("Event".into())),
            }
        },
    );
    let current_status = status();

    view! {
        <main class="admin tickets-page">
            <Transition fallback=|| view! { <p>"Loading tickets…"</p> }>
                {move || {
                    sheet
                        .get()
                        .map(|result| match result {
                            Ok(sheet) => {
                                let event = sheet.event;
                                let back = format!("/admin/events/{}", event.id);
                                let next = sheet
                                    .codes
                                    .next_cursor
                                    .as_ref()
                                    .map(|cursor| {
                                        format!(
                                            "/admin/events/{}/tickets{}",
                                            event.id,
                                            query_string(
                                                &[("status", &status()), ("q", &search()), ("cursor", cursor)],
                                            ),
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
                                                    status(),
                                                )}
                                            </p>
                                        </div>
                                        <PrintButton />
                                    </header>
                                    <form method="get" class="inline-form filters no-print" role="search">
                                        <label for="ticket-status">"Codes"</label>
                                        <select id="ticket-status" name="status">
                                            {CodeStatus::ALL
                                                .into_iter()
                                                .map(|option| {
                                                    view! {
                                                        <option value=option.as_str() selected=option.as_str() == current_status>
                                                            {option.as_str()}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                        <label for="ticket-search">"Code or label contains"</label>
                                        <input id="ticket-search" type="search" name="q" value=search() />
                                        <button type="submit" class="secondary">"Show"</button>
                                    </form>
                                    {(count == 0)
                                        .then(|| view! { <p class="empty">"No codes to print."</p> })}
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
                                    .into_any()
                            }
                            Err(err) => {
                                view! {
                                    <Title text="Tickets" />
                                    <h1>"Printable tickets"</h1>
                                    <p class="error" role="alert">{err.to_string()}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </main>
    }
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
