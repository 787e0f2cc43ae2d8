//! The player's browser side: hls.js (or native HLS), its events, keyboard shortcuts, cleanup.

use std::{cell::Cell, rc::Rc};

use leptos::{ev, html, prelude::*, task::spawn_local};
use streamgate_domain::model::ENTRY_PLAYLIST;
use wasm_bindgen::{prelude::*, JsCast};

use super::{actions, Quality, Trouble};
use crate::viewer::hls::{self, Hls};

/// Consecutive fatal errors tolerated before the stream counts as unavailable.
const RETRIES: u32 = 4;

thread_local! {
    /// The running hls.js instance, for the quality selector.
    static CURRENT: std::cell::RefCell<Option<Hls>> = const { std::cell::RefCell::new(None) };
}

pub fn choose_quality(index: i32) {
    CURRENT.with(|current| {
        if let Some(hls) = current.borrow().as_ref() {
            hls.set_current_level(index);
        }
    });
}

/// Plays; where the browser refuses to start with sound (no click yet), starts muted.
pub fn play(video: &web_sys::HtmlVideoElement) {
    let Ok(promise) = video.play() else { return };
    let video = video.clone();
    spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_err() {
            video.set_muted(true);
            let _ = video.play();
        }
    });
}

/// What must live as long as the player and be let go with it.
struct Running {
    hls: Option<Hls>,
    _callbacks: Vec<Closure<dyn FnMut(JsValue, JsValue)>>,
    _authorize: Option<Closure<dyn FnMut(web_sys::XmlHttpRequest, String)>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(hls) = self.hls.take() {
            hls.destroy();
        }
        CURRENT.with(|current| current.borrow_mut().take());
    }
}

#[allow(clippy::too_many_arguments)]
pub fn start(
    container: NodeRef<html::Div>,
    video: NodeRef<html::Video>,
    playlist_url: String,
    token: RwSignal<String>,
    on_trouble: Callback<Trouble>,
    qualities: RwSignal<Vec<Quality>>,
    fullscreen: RwSignal<bool>,
) {
    let running = StoredValue::new_local(None::<Running>);
    let reported = Rc::new(Cell::new(false));
    let trouble = move |what: Trouble| {
        if !reported.replace(true) {
            on_trouble.run(what);
        }
    };
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let Some(element) = video.get() else {
            return false;
        };
        let url = format!("{playlist_url}{ENTRY_PLAYLIST}");
        let trouble = trouble.clone();
        spawn_local(async move {
            match attach(&element, &url, token, qualities, trouble.clone()).await {
                Ok(attached) => running.set_value(Some(attached)),
                Err(_) => trouble(Trouble::Unavailable),
            }
        });
        true
    });

    let keys = window_event_listener(ev::keydown, move |event| {
        let typing = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|target| {
                matches!(target.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
            });
        if typing || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let handled = match event.key().as_str() {
            " " | "k" => {
                actions::toggle_play(video);
                true
            }
            "f" => {
                actions::toggle_fullscreen(container);
                true
            }
            "m" => {
                actions::toggle_mute(video);
                true
            }
            "ArrowLeft" => {
                actions::seek_by(video, -5.0);
                true
            }
            "ArrowRight" => {
                actions::seek_by(video, 5.0);
                true
            }
            "ArrowUp" | "ArrowDown" => {
                if let Some(element) = video.get_untracked() {
                    let step = if event.key() == "ArrowUp" { 0.1 } else { -0.1 };
                    actions::set_volume(video, element.volume() + step);
                }
                true
            }
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    });
    let screen = window_event_listener(ev::fullscreenchange, move |_| {
        fullscreen.set(document().fullscreen_element().is_some());
    });

    on_cleanup(move || {
        keys.remove();
        screen.remove();
        running.update_value(|running| drop(running.take()));
    });
}

async fn attach(
    video: &web_sys::HtmlVideoElement,
    url: &str,
    token: RwSignal<String>,
    qualities: RwSignal<Vec<Quality>>,
    trouble: impl Fn(Trouble) + Clone + 'static,
) -> Result<Running, JsValue> {
    let Some(class) = hls::load().await? else {
        return native(video, url, token, trouble);
    };
    // hls.js calls this before opening the request; a header can only be set once it is
    // open, so it is opened here (hls.js then sends it as it is).
    let authorize = Closure::<dyn FnMut(web_sys::XmlHttpRequest, String)>::new(
        move |request: web_sys::XmlHttpRequest, url: String| {
            if request.ready_state() == web_sys::XmlHttpRequest::UNSENT {
                let _ = request.open_with_async("GET", &url, true);
            }
            let bearer = format!("Bearer {}", token.get_untracked());
            let _ = request.set_request_header("Authorization", &bearer);
        },
    );
    let player = hls::create(&class, &authorize)?;

    let parsed = {
        let (player, video) = (player.clone(), video.clone());
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |_, _| {
            let found = hls::levels(&player)
                .into_iter()
                .map(|level| Quality {
                    index: level.index,
                    label: level.label,
                })
                .collect();
            qualities.set(found);
            play(&video);
        })
    };
    let failures = Rc::new(Cell::new(0u32));
    let loaded = {
        let failures = failures.clone();
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |_, _| failures.set(0))
    };
    let failed = {
        let player = player.clone();
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |_, data: JsValue| {
            let Some(fatal) = hls::fatal(&data) else {
                return;
            };
            if fatal.network && matches!(fatal.status, Some(401 | 403)) {
                return trouble(Trouble::Denied);
            }
            failures.set(failures.get() + 1);
            if failures.get() > RETRIES || !(fatal.network || fatal.media) {
                return trouble(Trouble::Unavailable);
            }
            if fatal.media {
                player.recover_media_error();
            } else {
                let player = player.clone();
                set_timeout(
                    move || player.start_load(),
                    std::time::Duration::from_secs(2),
                );
            }
        })
    };
    player.on(hls::MANIFEST_PARSED, parsed.as_ref().unchecked_ref());
    player.on(hls::FRAG_LOADED, loaded.as_ref().unchecked_ref());
    player.on(hls::ERROR, failed.as_ref().unchecked_ref());
    player.load_source(url);
    player.attach_media(video);
    CURRENT.with(|current| *current.borrow_mut() = Some(player.clone()));
    Ok(Running {
        hls: Some(player),
        _callbacks: vec![parsed, loaded, failed],
        _authorize: Some(authorize),
    })
}

/// Native HLS (Safari): the token travels in the query string, and the HLS listener puts it
/// into every URI of the playlists it serves.
fn native(
    video: &web_sys::HtmlVideoElement,
    url: &str,
    token: RwSignal<String>,
    trouble: impl Fn(Trouble) + 'static,
) -> Result<Running, JsValue> {
    if video
        .can_play_type("application/vnd.apple.mpegurl")
        .is_empty()
    {
        trouble(Trouble::Unavailable);
        return Err(JsValue::from_str("this browser cannot play HLS"));
    }
    video.set_src(&format!("{url}?token={}", token.get_untracked()));
    play(video);
    Ok(Running {
        hls: None,
        _callbacks: Vec::new(),
        _authorize: None,
    })
}
