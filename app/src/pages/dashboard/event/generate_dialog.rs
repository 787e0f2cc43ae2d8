//! "Generate codes": a dialog asking how many and a label, showing the call's progress and its
//! result, and the server function that mints them.

use leptos::prelude::*;
use streamgate_domain::model::{AccessCode, MAX_CODES_PER_BATCH};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::api::server;
use crate::{
    api::AppError,
    components::alerts::{field_error, other_error, refusal},
};

/// Mints `count` (1 to [`MAX_CODES_PER_BATCH`]) codes for an event, sharing an optional label.
#[server(prefix = "/_rpc", endpoint = "codes/generate")]
pub async fn generate_codes(
    event_id: Uuid,
    count: String,
    label: Option<String>,
) -> Result<Vec<AccessCode>, AppError> {
    let (domain, principal) = server::caller()?;
    let count = count.trim().parse::<i64>().map_err(|_| {
        server::invalid(
            "count",
            format!("Count must be a whole number from 1 to {MAX_CODES_PER_BATCH}"),
        )
    })?;
    let input = streamgate_domain::model::NewCodes { count, label };
    Ok(domain
        .codes()
        .generate(&principal, event_id, input, server::client_ip())
        .await?)
}

#[component]
pub fn GenerateDialog(event_id: Uuid, generate: ServerAction<GenerateCodes>) -> impl IntoView {
    let open = RwSignal::new(false);
    let errors = refusal(generate.value());
    let pending = generate.pending();
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
                <label for="generate-count">{format!("How many (1–{MAX_CODES_PER_BATCH})")}</label>
                <input
                    id="generate-count"
                    name="count"
                    type="number"
                    min="1"
                    max=MAX_CODES_PER_BATCH.to_string()
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
                {other_error(errors, &["count", "label"])}
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
