//! The event page's table of codes: one row per code with its status, times and QR image, a
//! tick box for bulk revocation, copy, and revoke or unrevoke.

use leptos::prelude::*;
use streamgate_domain::model::{time, AccessCode, CodeStatus};
use uuid::Uuid;

use super::Allowed;
#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::{
        clipboard::copy_to_clipboard,
        code_list::{CodeRow, CodesView},
    },
};

#[server(prefix = "/_rpc", endpoint = "codes/revoke")]
pub async fn revoke_code(id: Uuid) -> Result<AccessCode, AppError> {
    set_revoked(id, true).await
}

#[server(prefix = "/_rpc", endpoint = "codes/unrevoke")]
pub async fn unrevoke_code(id: Uuid) -> Result<AccessCode, AppError> {
    set_revoked(id, false).await
}

/// The caller revokes a code or makes it work again (the domain decides whether they may).
#[cfg(feature = "ssr")]
async fn set_revoked(id: Uuid, revoked: bool) -> Result<AccessCode, AppError> {
    let (domain, principal) = server::caller()?;
    let (codes, ip) = (domain.codes(), server::client_ip());
    Ok(codes.set_revoked(&principal, id, revoked, ip).await?)
}

#[component]
pub fn CodesTable(
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
    // Revoked codes can be restored until they expire.
    let revoke_form = allowed.revoke.then(|| {
        let fields = move |label: &'static str| {
            view! {
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="secondary small">{label}</button>
            }
        };
        if code.is_revoked {
            (status != CodeStatus::Expired)
                .then(|| view! { <ActionForm action=unrevoke>{fields("Unrevoke")}</ActionForm> })
                .into_any()
        } else {
            view! { <ActionForm action=revoke>{fields("Revoke")}</ActionForm> }.into_any()
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
