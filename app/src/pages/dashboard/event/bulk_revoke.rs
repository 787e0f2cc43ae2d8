//! Revoking the codes ticked in the table at once.

use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::api::AppError;

/// Revokes the selected codes; answers how many it revoked (already revoked ones are skipped).
#[server(prefix = "/_rpc", endpoint = "codes/bulk-revoke", input = server_fn::codec::Json)]
pub async fn bulk_revoke_codes(ids: Vec<Uuid>) -> Result<u64, AppError> {
    let (domain, principal) = server::caller()?;
    Ok(domain
        .codes()
        .bulk_revoke(&principal, &ids, server::client_ip())
        .await?)
}

/// The "Revoke selected" button with the outcome of its latest call.
#[component]
pub fn BulkBar(
    selected: RwSignal<Vec<Uuid>>,
    bulk: ServerAction<BulkRevokeCodes>,
) -> impl IntoView {
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
