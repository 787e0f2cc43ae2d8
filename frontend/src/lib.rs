//! The hydrate entry: the browser runs this once the server-rendered page and the wasm bundle
//! have loaded, attaching StreamGate's reactive UI to the existing markup.

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The dashboard's routes are lazily loaded (a separate part of the wasm, see
    // app/src/pages/dashboard.rs), which hydration waits for; only then is the page marked
    // hydrated (the browser tests wait for the mark before interacting).
    wasm_bindgen_futures::spawn_local(async {
        let document = leptos::prelude::document();
        let body = document.body().expect("the page has a body");
        let owner = leptos::mount::hydrate_from_async(body, streamgate_app::App).await;
        owner.forget();
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
