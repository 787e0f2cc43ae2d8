//! `/admin/events/:id`: one event. Its details and edit form, the on/off and archive switches,
//! its access codes (filter, search, keyset pages, generate, revoke, bulk revoke, copy, QR,
//! CSV, printable tickets) and deleting it. Controls the caller's role lacks are not shown (the
//! server refuses them anyway).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use streamgate_domain::model::{time, CodeStatus, Event, EventSummary, Permission};
use uuid::Uuid;

use super::{
    admin::CurrentUser,
    events::{field_error, query_string, status_label, EventFields},
};
use crate::api::{
    get_event, list_codes, AppError, BulkRevokeCodes, CodeRow, CodesView, DeleteEvent,
    GenerateCodes, RevokeCode, SwitchEvent, UnrevokeCode, UpdateEvent,
};

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
    let me = expect_context::<CurrentUser>();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok()));
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let cursor = move || query.with(|q| q.get("cursor").filter(|c| !c.is_empty()));
    let from = move || {
        query
            .with(|q| q.get("from").and_then(|n| n.parse::<i64>().ok()))
            .unwrap_or(1)
    };

    let switch = ServerAction::<SwitchEvent>::new();
    let update = ServerAction::<UpdateEvent>::new();
    let delete = ServerAction::<DeleteEvent>::new();
    let generate = ServerAction::<GenerateCodes>::new();
    let revoke = ServerAction::<RevokeCode>::new();
    let unrevoke = ServerAction::<UnrevokeCode>::new();
    let bulk = ServerAction::<BulkRevokeCodes>::new();

    let event = Resource::new(
        move || {
            (
                id(),
                switch.version().get(),
                update.version().get(),
                generate.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_event(id).await,
                None => Err(AppError::NotFound("Event".into())),
            }
        },
    );
    let codes = Resource::new(
        move || {
            (
                id(),
                status(),
                search(),
                cursor(),
                (
                    generate.version().get(),
                    revoke.version().get(),
                    unrevoke.version().get(),
                    bulk.version().get(),
                    update.version().get(),
                    switch.version().get(),
                ),
            )
        },
        |(id, status, search, cursor, _)| async move {
            match id {
                Some(id) => list_codes(id, Some(status), Some(search), cursor).await,
                None => Err(AppError::NotFound("Event".into())),
            }
        },
    );
    let allowed = move || {
        me.get()
            .and_then(Result::ok)
            .map(|me| Allowed {
                edit: me.may(Permission::EventsWrite),
                delete: me.may(Permission::EventsDelete),
                generate: me.may(Permission::CodesCreate),
                revoke: me.may(Permission::CodesRevoke),
                export: me.may(Permission::CodesExport),
            })
            .unwrap_or_default()
    };

    // The outcome of the latest switch or code action: its error stays until another succeeds.
    let action_error = RwSignal::new(None::<AppError>);
    report_failures(switch.value(), action_error);
    report_failures(revoke.value(), action_error);
    report_failures(unrevoke.value(), action_error);
    report_failures(bulk.value(), action_error);

    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/admin/events", Default::default());
        }
    });

    // The selection for bulk revocation: the codes ticked on the current page.
    let selected = RwSignal::new(Vec::<Uuid>::new());
    Effect::new(move |_| {
        let _ = (status(), search(), cursor(), bulk.version().get());
        selected.set(Vec::new());
    });

    view! {
        <main class="admin">
            <Transition fallback=|| view! { <p>"Loading the event…"</p> }>
                {move || {
                    event
                        .get()
                        .map(|result| match result {
                            Ok(summary) => {
                                let allowed = allowed();
                                view! {
                                    <EventHeader summary=summary.clone() allowed switch />
                                    {move || {
                                        action_error
                                            .get()
                                            .map(|err| {
                                                view! {
                                                    <p class="error" role="alert">{err.to_string()}</p>
                                                }
                                            })
                                    }}
                                    <EventDetails event=summary.event.clone() allowed update />
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! {
                                    <Title text="Event" />
                                    <h1>"Event"</h1>
                                    <p class="error" role="alert">{err.to_string()}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            <section class="codes" aria-labelledby="codes-title">
                <h2 id="codes-title">"Access codes"</h2>
                <Transition fallback=|| ()>
                    {move || {
                        let allowed = allowed();
                        id()
                            .map(|event_id| {
                                let status = status();
                                let search = search();
                                let tickets_status = if status.is_empty() {
                                    CodeStatus::Unused.as_str().to_owned()
                                } else {
                                    status.clone()
                                };
                                view! {
                                    <div class="toolbar">
                                        {allowed
                                            .generate
                                            .then(|| view! { <GenerateDialog event_id generate /> })}
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
                                    <CodeFilters event_id status search />
                                }
                            })
                    }}
                </Transition>
                <Transition fallback=|| view! { <p>"Loading codes…"</p> }>
                    {move || {
                        let allowed = allowed();
                        codes
                            .get()
                            .map(|result| match result {
                                Ok(view) => {
                                    let base = |extra: &[(&str, &str)]| {
                                        let status = status();
                                        let search = search();
                                        let mut pairs = vec![("status", status.as_str()), ("q", search.as_str())];
                                        pairs.extend_from_slice(extra);
                                        format!(
                                            "/admin/events/{}{}",
                                            id().map(|id| id.to_string()).unwrap_or_default(),
                                            query_string(&pairs),
                                        )
                                    };
                                    let from = from();
                                    let shown = view.rows.len() as i64;
                                    let next = view
                                        .next_cursor
                                        .clone()
                                        .map(|cursor| {
                                            let next_from = (from + shown).to_string();
                                            base(&[("cursor", &cursor), ("from", &next_from)])
                                        });
                                    let first = cursor().is_some().then(|| base(&[]));
                                    view! {
                                        <p class="muted" data-testid="codes-total">
                                            {if shown == 0 {
                                                format!("0 of {}", view.total)
                                            } else {
                                                format!("{}–{} of {}", from, from + shown - 1, view.total)
                                            }}
                                        </p>
                                        {allowed
                                            .revoke
                                            .then(|| view! { <BulkBar selected bulk /> })}
                                        <CodesTable view allowed selected revoke unrevoke />
                                        <nav class="pager" aria-label="Code pages">
                                            {first.map(|href| view! { <a href=href>"First page"</a> })}
                                            {next.map(|href| view! { <a href=href>"Next page"</a> })}
                                        </nav>
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
            </section>
            <Transition fallback=|| ()>
                {move || {
                    let allowed = allowed();
                    event
                        .get()
                        .and_then(Result::ok)
                        .filter(|_| allowed.delete)
                        .map(|summary| {
                            view! { <DeleteEventForm event=summary.event delete /> }
                        })
                }}
            </Transition>
        </main>
    }
}

fn report_failures<T>(
    outcome: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    action_error: RwSignal<Option<AppError>>,
) where
    T: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(result) = outcome.get() {
            action_error.set(result.err());
        }
    });
}

#[component]
fn EventHeader(
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
                    {format!("{} codes", summary.count.tokens)}
                </p>
            </div>
            {switches}
        </header>
    }
}

#[component]
fn EventDetails(
    event: Event,
    allowed: Allowed,
    update: ServerAction<UpdateEvent>,
) -> impl IntoView {
    let errors = Signal::derive(move || update.value().get().and_then(Result::err));
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
                {CodeStatus::ALL
                    .into_iter()
                    .map(|option| {
                        view! {
                            <option value=option.as_str() selected=option.as_str() == status>
                                {option.as_str()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="secondary">"Filter"</button>
        </form>
    }
}

/// "Generate codes": a dialog asking how many (1–500) and a label, showing the call's progress
/// and its result.
#[component]
fn GenerateDialog(event_id: Uuid, generate: ServerAction<GenerateCodes>) -> impl IntoView {
    let open = RwSignal::new(false);
    let errors = Signal::derive(move || generate.value().get().and_then(Result::err));
    let pending = generate.pending();
    let other_error = move || {
        errors.get().and_then(|err| match &err {
            AppError::Invalid { field, .. } if field == "count" || field == "label" => None,
            _ => Some(view! { <p class="error" role="alert">{err.to_string()}</p> }),
        })
    };
    let result = move || match generate.value().get() {
        Some(Ok(codes)) if !pending.get() => Some(view! {
            <p class="notice" role="status" data-testid="generate-result">
                {format!(
                    "Generated {} code{}.",
                    codes.len(),
                    if codes.len() == 1 { "" } else { "s" },
                )}
            </p>
        }),
        _ => None,
    };
    view! {
        <button
            type="button"
            aria-haspopup="dialog"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|open| *open = !*open)
        >
            "Generate codes"
        </button>
        <dialog open=move || open.get() class="panel generate" aria-labelledby="generate-title">
            <h3 id="generate-title">"Generate access codes"</h3>
            <ActionForm action=generate attr:class="stacked-form">
                <input type="hidden" name="event_id" value=event_id.to_string() />
                <label for="generate-count">"How many (1–500)"</label>
                <input
                    id="generate-count"
                    name="count"
                    type="number"
                    min="1"
                    max="500"
                    value="50"
                    required
                    aria-describedby="generate-count-error"
                />
                {field_error(errors, "count", "generate-count-error")}
                <label for="generate-label">"Label (optional)"</label>
                <input
                    id="generate-label"
                    name="label"
                    type="text"
                    maxlength="200"
                    aria-describedby="generate-label-error"
                />
                {field_error(errors, "label", "generate-label-error")}
                {other_error}
                <div class="actions">
                    <button type="submit" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        {move || if pending.get() { "Generating…" } else { "Generate" }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>
                        "Close"
                    </button>
                </div>
                {move || {
                    pending
                        .get()
                        .then(|| {
                            view! {
                                <progress aria-label="Generating codes"></progress>
                            }
                        })
                }}
                {result}
            </ActionForm>
        </dialog>
    }
}

#[component]
fn BulkBar(selected: RwSignal<Vec<Uuid>>, bulk: ServerAction<BulkRevokeCodes>) -> impl IntoView {
    let count = move || selected.with(Vec::len);
    let outcome = move || match bulk.value().get() {
        Some(Ok(n)) => Some(view! {
            <span class="muted" role="status">
                {format!("Revoked {n} code{}.", if n == 1 { "" } else { "s" })}
            </span>
        }),
        _ => None,
    };
    view! {
        <div class="bulk">
            <button
                type="button"
                class="secondary"
                disabled=move || count() == 0 || bulk.pending().get()
                on:click=move |_| {
                    let ids = selected.get();
                    if !ids.is_empty() {
                        bulk.dispatch(BulkRevokeCodes { ids });
                    }
                }
            >
                {move || format!("Revoke selected ({})", count())}
            </button>
            {outcome}
        </div>
    }
}

#[component]
fn CodesTable(
    view: CodesView,
    allowed: Allowed,
    selected: RwSignal<Vec<Uuid>>,
    revoke: ServerAction<RevokeCode>,
    unrevoke: ServerAction<UnrevokeCode>,
) -> impl IntoView {
    if view.rows.is_empty() {
        return view! { <p class="empty">"No codes match."</p> }.into_any();
    }
    let page_ids: Vec<Uuid> = view.rows.iter().map(|row| row.code.id).collect();
    let all_ids = page_ids.clone();
    let all_selected =
        move || selected.with(|selected| all_ids.iter().all(|id| selected.contains(id)));
    let select_all = allowed.revoke.then(|| {
        view! {
            <th scope="col">
                <input
                    type="checkbox"
                    aria-label="Select all codes on this page"
                    prop:checked=all_selected
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        selected.set(if checked { page_ids.clone() } else { Vec::new() });
                    }
                />
            </th>
        }
    });
    view! {
        <table class="data codes-table" data-testid="codes">
            <thead>
                <tr>
                    {select_all}
                    <th scope="col">"Code"</th>
                    <th scope="col">"Label"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Created (UTC)"</th>
                    <th scope="col">"Redeemed (UTC)"</th>
                    <th scope="col">"QR"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {view
                    .rows
                    .into_iter()
                    .map(|row| view! { <CodeRowView row allowed selected revoke unrevoke /> })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn CodeRowView(
    row: CodeRow,
    allowed: Allowed,
    selected: RwSignal<Vec<Uuid>>,
    revoke: ServerAction<RevokeCode>,
    unrevoke: ServerAction<UnrevokeCode>,
) -> impl IntoView {
    let CodeRow { code, status } = row;
    let id = code.id;
    let select = allowed.revoke.then(|| {
        view! {
            <td>
                <input
                    type="checkbox"
                    aria-label=format!("Select {}", code.code)
                    prop:checked=move || selected.with(|selected| selected.contains(&id))
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        selected.update(|selected| {
                            selected.retain(|other| *other != id);
                            if checked {
                                selected.push(id);
                            }
                        });
                    }
                />
            </td>
        }
    });
    let revoke_form = allowed.revoke.then(|| {
        if code.is_revoked {
            (status != CodeStatus::Expired)
                .then(|| {
                    view! {
                        <ActionForm action=unrevoke>
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="secondary small">"Unrevoke"</button>
                        </ActionForm>
                    }
                })
                .into_any()
        } else {
            view! {
                <ActionForm action=revoke>
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="secondary small">"Revoke"</button>
                </ActionForm>
            }
            .into_any()
        }
    });
    view! {
        <tr data-code=code.code.clone()>
            {select}
            <td><code class="code">{code.code.clone()}</code></td>
            <td>{code.label.clone().unwrap_or_default()}</td>
            <td>
                <span class=format!("code-status status-{status}")>{status.as_str()}</span>
            </td>
            <td><time>{time::format(&code.created_at)}</time></td>
            <td>
                {code.redeemed_at.map(|at| view! { <time>{time::format(&at)}</time> })}
            </td>
            <td>
                <details class="qr">
                    <summary>"Show QR"</summary>
                    <img
                        src=format!("/admin/codes/{id}/qr.svg")
                        alt=format!("QR code opening the ticket page with {}", code.code)
                        width="160"
                        height="160"
                        loading="lazy"
                    />
                </details>
            </td>
            <td class="row-actions">
                <CopyButton code=code.code.clone() />
                {revoke_form}
            </td>
        </tr>
    }
}

/// Copies a code to the clipboard (in the browser; the button does nothing before hydration).
#[component]
fn CopyButton(code: String) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let label = code.clone();
    view! {
        <button
            type="button"
            class="secondary small"
            on:click=move |_| copy_to_clipboard(code.clone(), copied)
        >
            {move || match copied.get() {
                Some(true) => "Copied",
                Some(false) => "Copy failed",
                None => "Copy",
            }}
            <span class="visually-hidden">{format!(" code {label}")}</span>
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn copy_to_clipboard(text: String, copied: RwSignal<Option<bool>>) {
    leptos::task::spawn_local(async move {
        let done = match web_sys::window() {
            Some(window) => {
                let promise = window.navigator().clipboard().write_text(&text);
                wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
            }
            None => false,
        };
        copied.set(Some(done));
    });
}

#[cfg(not(feature = "hydrate"))]
fn copy_to_clipboard(_text: String, _copied: RwSignal<Option<bool>>) {}

/// Deleting takes typing the event's title; the server checks it too.
#[component]
fn DeleteEventForm(event: Event, delete: ServerAction<DeleteEvent>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let title = event.title.clone();
    let matches = move || typed.with(|typed| *typed == title);
    let errors = Signal::derive(move || delete.value().get().and_then(Result::err));
    let other_error = move || {
        errors.get().and_then(|err| match &err {
            AppError::Invalid { field, .. } if field == "confirm" => None,
            _ => Some(view! { <p class="error" role="alert">{err.to_string()}</p> }),
        })
    };
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
                {other_error}
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
