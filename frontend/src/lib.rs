//! The hydrate entry: the browser runs this once the server-rendered page and the wasm bundle
//! have loaded, attaching StreamGate's reactive UI to the existing markup.

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(streamgate_app::App);
}
