//! The event page's access codes: the toolbar (generate, CSV, printable tickets), the filter,
//! the count, one keyset page of the table and the links to other pages.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use streamgate_domain::model::{CodeStatus, PageRequest};
use uuid::Uuid;

use super::{
    bulk_revoke::{BulkBar, BulkRevokeCodes},
    codes_table::{CodesTable, RevokeCode, UnrevokeCode},
    generate_dialog::{GenerateCodes, GenerateDialog},
    Allowed,
};
#[cfg(feature = "ssr")]
use crate::components::code_list::codes_page;
use crate::{
    api::AppError,
    components::{
        alerts::report_failures,
        code_list::{status_options, CodesView},
        event_route::named_event,
        loaded::Loaded,
    },
    url::query_string,
};

/// Codes per page of the event page's table.
pub const CODES_PER_PAGE: u32 = 50;
const _: () = assert!(CODES_PER_PAGE <= PageRequest::MAX_LIMIT);

/// A page of an event's codes: `status` one of the code statuses (else all), `search` in the
/// code or label, from `cursor`.
#[server(prefix = "/_rpc", endpoint = "codes/list")]
pub async fn list_codes(
    event_id: Uuid,
    status: Option<String>,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<CodesView, AppError> {
    codes_page(event_id, status, search, cursor, CODES_PER_PAGE).await
}

/// `event_changed` bumps when the event was switched or edited; refusals of the code actions
/// go to `action_error`, shown under the page's header.
#[component]
pub fn CodesSection(
    event_id: Signal<Option<Uuid>>,
    allowed: Signal<Allowed>,
    generate: ServerAction<GenerateCodes>,
    event_changed: Signal<(usize, usize)>,
    action_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let cursor = move || query.with(|q| q.get("cursor").filter(|c| !c.is_empty()));
    let from = move || {
        query
            .with(|q| q.get("from").and_then(|n| n.parse::<i64>().ok()))
            .unwrap_or(1)
    };

    let revoke = ServerAction::<RevokeCode>::new();
    let unrevoke = ServerAction::<UnrevokeCode>::new();
    let bulk = ServerAction::<BulkRevokeCodes>::new();
    let codes = Resource::new(
        move || {
            (
                event_id.get(),
                status(),
                search(),
                cursor(),
                (
                    generate.version().get(),
                    revoke.version().get(),
                    unrevoke.version().get(),
                    bulk.version().get(),
                    event_changed.get(),
                ),
            )
        },
        |(id, status, search, cursor, _)| async move {
            list_codes(named_event(id)?, Some(status), Some(search), cursor).await
        },
    );
    report_failures(revoke.value(), action_error);
    report_failures(unrevoke.value(), action_error);
    report_failures(bulk.value(), action_error);

    // The selection for bulk revocation: the codes ticked on the current page.
    let selected = RwSignal::new(Vec::<Uuid>::new());
    Effect::new(move |_| {
        let _ = (status(), search(), cursor(), bulk.version().get());
        selected.set(Vec::new());
    });
    // This page's address with the current filter, and `more` pairs.
    let href = move |more: &[(&str, &str)]| {
        let (status, search) = (status(), search());
        let mut pairs = vec![("status", status.as_str()), ("q", search.as_str())];
        pairs.extend_from_slice(more);
        format!(
            "/admin/events/{}{}",
            event_id.get().map(|id| id.to_string()).unwrap_or_default(),
            query_string(&pairs),
        )
    };

    view! {
        <section class="codes" aria-labelledby="codes-title">
            <h2 id="codes-title">"Access codes"</h2>
            <Transition fallback=|| ()>
                {move || {
                    let allowed = allowed.get();
                    event_id
                        .get()
                        .map(|event_id| {
                            view! {
                                <Toolbar event_id allowed status=status() search=search() generate />
                                <CodeFilters event_id status=status() search=search() />
                            }
                        })
                }}
            </Transition>
            <Loaded resource=codes waiting="Loading codes…" let:view>
                {
                    let from = from();
                    let shown = view.rows.len() as i64;
                    let next = view.next_cursor.clone().map(|cursor| {
                        href(&[("cursor", &cursor), ("from", &(from + shown).to_string())])
                    });
                    let first = cursor().is_some().then(|| href(&[]));
                    view! {
                        <p class="muted" data-testid="codes-total">
                            {if shown == 0 {
                                format!("0 of {}", view.total)
                            } else {
                                format!("{}–{} of {}", from, from + shown - 1, view.total)
                            }}
                        </p>
                        {allowed.get().revoke.then(|| view! { <BulkBar selected bulk /> })}
                        <CodesTable view allowed=allowed.get() selected revoke unrevoke />
                        <nav class="pager" aria-label="Code pages">
                            {first.map(|href| view! { <a href=href>"First page"</a> })}
                            {next.map(|href| view! { <a href=href>"Next page"</a> })}
                        </nav>
                    }
                }
            </Loaded>
        </section>
    }
}

/// Generating codes, the CSV download and the printable tickets of the codes shown.
#[component]
fn Toolbar(
    event_id: Uuid,
    allowed: Allowed,
    status: String,
    search: String,
    generate: ServerAction<GenerateCodes>,
) -> impl IntoView {
    let tickets_status = if status.is_empty() {
        CodeStatus::Unused.as_str().to_owned()
    } else {
        status
    };
    view! {
        <div class="toolbar">
            {allowed.generate.then(|| view! { <GenerateDialog event_id generate /> })}
            {allowed
                .export
                .then(|| {
                    view! {
                        <a
                            class="button-link"
                            href=format!("/api/admin/events/{event_id}/tokens/export")
                            download
                        >
                            "Download CSV"
                        </a>
                    }
                })}
            <a
                class="button-link"
                href=format!(
                    "/admin/events/{event_id}/tickets{}",
                    query_string(&[("status", &tickets_status), ("q", &search)]),
                )
            >
                "Printable tickets"
            </a>
        </div>
    }
}

#[component]
fn CodeFilters(event_id: Uuid, status: String, search: String) -> impl IntoView {
    view! {
        <form
            method="get"
            action=format!("/admin/events/{event_id}")
            class="inline-form filters"
            role="search"
        >
            <label for="code-search">"Search codes and labels"</label>
            <input id="code-search" type="search" name="q" value=search />
            <label for="code-status">"Status"</label>
            <select id="code-status" name="status">
                <option value="" selected=status.is_empty()>"All"</option>
                {status_options(status.clone())}
            </select>
            <button type="submit" class="secondary">"Filter"</button>
        </form>
    }
}
