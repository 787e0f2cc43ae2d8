//! A button that copies a text to the clipboard (in the browser; before hydration it does
//! nothing).

use leptos::prelude::*;

/// Copies `text`; `what` completes the button's accessible name ("Copy code AbC…").
#[component]
pub fn CopyButton(text: String, what: String) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    view! {
        <button
            type="button"
            class="secondary small"
            on:click=move |_| copy_to_clipboard(text.clone(), copied)
        >
            {move || match copied.get() {
                Some(true) => "Copied",
                Some(false) => "Copy failed",
                None => "Copy",
            }}
            <span class="visually-hidden">{format!(" {what}")}</span>
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
