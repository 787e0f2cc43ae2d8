//! Tips as they arrive, from a Server-Sent Events stream of `tip` events (the dashboard's
//! `/api/v1/tips/stream`, the player's per-event alerts). The browser's `EventSource`
//! reconnects by itself; on the server this does nothing.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;
use streamgate_domain::model::Tip;

/// Calls `on_tip` with each tip the stream at `url` sends, until the calling view goes away.
pub fn follow_tips(url: String, on_tip: impl Fn(Tip) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsCast};

        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let listener =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let tip = event
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str::<Tip>(&text).ok());
                if let Some(tip) = tip {
                    on_tip(tip);
                }
            });
        let _ = source.add_event_listener_with_callback("tip", listener.as_ref().unchecked_ref());
        let open = StoredValue::new_local(Some((source, listener)));
        on_cleanup(move || {
            open.update_value(|open| {
                if let Some((source, _listener)) = open.take() {
                    source.close();
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, on_tip);
}
