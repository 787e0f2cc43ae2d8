//! Copying text to the clipboard from a button (in the browser; before hydration the button
//! does nothing).

use leptos::prelude::*;

/// Copies `text`; `copied` becomes whether it worked.
#[cfg(feature = "hydrate")]
pub fn copy_to_clipboard(text: String, copied: RwSignal<Option<bool>>) {
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
pub fn copy_to_clipboard(_text: String, _copied: RwSignal<Option<bool>>) {}
