//! The video player: hls.js driven from Rust (or the browser's own HLS where there is no Media
//! Source Extensions, e.g. Safari on iPhone, through the query-token URL), behind controls that
//! work by mouse, touch, keyboard and screen reader: play/pause, mute and volume, quality,
//! fullscreen; keys space, f, m, ←/→ (seek, when not live) and ↑/↓ (volume).

use leptos::{html, prelude::*};

/// Why the player gave up (made by the browser side only).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// The HLS listener refused the token (403/401): revoked, switched off, taken over or
    /// expired; the watch page asks the API which.
    Denied,
    /// The stream could not be loaded, again and again.
    Unavailable,
}

/// One entry of the quality selector: hls.js's level index (-1 is automatic) and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quality {
    pub index: i32,
    pub label: String,
}

#[component]
pub fn Player(
    /// The entry playlist: `playbackBaseUrl` + `streamPath` + `stream.m3u8`.
    playlist_url: String,
    #[prop(optional_no_strip)] poster: Option<String>,
    /// The current playback token (it changes when the session refreshes it).
    token: RwSignal<String>,
    on_trouble: Callback<Trouble>,
) -> impl IntoView {
    let container = NodeRef::<html::Div>::new();
    let video = NodeRef::<html::Video>::new();
    let playing = RwSignal::new(false);
    let muted = RwSignal::new(false);
    let volume = RwSignal::new(1.0_f64);
    let live = RwSignal::new(true);
    let qualities = RwSignal::new(Vec::<Quality>::new());
    let fullscreen = RwSignal::new(false);

    #[cfg(feature = "hydrate")]
    browser::start(
        container,
        video,
        playlist_url,
        token,
        on_trouble,
        qualities,
        fullscreen,
    );
    #[cfg(not(feature = "hydrate"))]
    let _ = (playlist_url, token, on_trouble);

    let sync_volume = move || {
        if let Some((is_muted, level)) = actions::volume_state(video) {
            muted.set(is_muted);
            volume.set(level);
        }
    };
    let sync_duration = move || {
        if let Some(endless) = actions::is_live(video) {
            live.set(endless);
        }
    };

    view! {
        <div class="player" node_ref=container data-testid="player">
            <video
                node_ref=video
                class="player-video"
                data-testid="video"
                playsinline
                poster=poster
                aria-label="Stream video"
                on:play=move |_| playing.set(true)
                on:pause=move |_| playing.set(false)
                on:volumechange=move |_| sync_volume()
                on:durationchange=move |_| sync_duration()
                on:click=move |_| actions::toggle_play(video)
            ></video>
            <div class="player-controls" role="toolbar" aria-label="Player controls">
                <button
                    type="button"
                    class="control"
                    aria-label=move || if playing.get() { "Pause" } else { "Play" }
                    on:click=move |_| actions::toggle_play(video)
                >
                    {move || if playing.get() { icon(PAUSE) } else { icon(PLAY) }}
                </button>
                <button
                    type="button"
                    class="control"
                    aria-label="Mute"
                    aria-pressed=move || muted.get().to_string()
                    on:click=move |_| actions::toggle_mute(video)
                >
                    {move || if muted.get() { icon(MUTED) } else { icon(SOUND) }}
                </button>
                <input
                    type="range"
                    class="volume"
                    min="0"
                    max="1"
                    step="0.05"
                    aria-label="Volume"
                    prop:value=move || if muted.get() { 0.0 } else { volume.get() }
                    on:input=move |ev| {
                        if let Ok(level) = event_target_value(&ev).parse::<f64>() {
                            actions::set_volume(video, level);
                        }
                    }
                />
                <Show when=move || live.get()>
                    <span class="live-badge" aria-label="Live">"LIVE"</span>
                </Show>
                <span class="spacer"></span>
                <Show when=move || { qualities.read().len() > 1 }>
                    <label class="quality">
                        <span>"Quality"</span>
                        <select on:change=move |ev| {
                            if let Ok(index) = event_target_value(&ev).parse::<i32>() {
                                actions::choose_quality(index);
                            }
                        }>
                            <option value="-1">"Auto"</option>
                            <For
                                each=move || qualities.get()
                                key=|quality| quality.index
                                let(quality)
                            >
                                <option value=quality.index.to_string()>{quality.label}</option>
                            </For>
                        </select>
                    </label>
                </Show>
                <button
                    type="button"
                    class="control"
                    aria-label=move || {
                        if fullscreen.get() { "Exit fullscreen" } else { "Fullscreen" }
                    }
                    on:click=move |_| actions::toggle_fullscreen(container)
                >
                    {move || if fullscreen.get() { icon(EXIT_FULLSCREEN) } else { icon(FULLSCREEN) }}
                </button>
            </div>
        </div>
    }
}

// The controls' icons (24×24 paths): drawn, so they look the same whatever fonts there are.
const PLAY: &str = "M8 5v14l11-7z";
const PAUSE: &str = "M6 5h4v14H6zm8 0h4v14h-4z";
const SOUND: &str = "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z";
const MUTED: &str = "M3 9v6h4l5 5V4L7 9H3zm11.3-.3 1.4-1.4 2.3 2.3 2.3-2.3 1.4 1.4-2.3 2.3 \
    2.3 2.3-1.4 1.4-2.3-2.3-2.3 2.3-1.4-1.4 2.3-2.3z";
const FULLSCREEN: &str =
    "M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z";
const EXIT_FULLSCREEN: &str =
    "M5 16h3v3h2v-5H5v2zm3-8H5v2h5V5H8v3zm6 11h2v-3h3v-2h-5v5zm2-11V5h-2v5h5V8h-3z";

fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d=path fill="currentColor" />
        </svg>
    }
}

/// What the controls do to the `<video>`.
#[cfg(feature = "hydrate")]
mod actions {
    use leptos::{html, prelude::*};

    pub fn toggle_play(video: NodeRef<html::Video>) {
        if let Some(video) = video.get_untracked() {
            if video.paused() {
                super::browser::play(&video);
            } else {
                let _ = video.pause();
            }
        }
    }

    pub fn toggle_mute(video: NodeRef<html::Video>) {
        if let Some(video) = video.get_untracked() {
            video.set_muted(!video.muted());
        }
    }

    pub fn set_volume(video: NodeRef<html::Video>, level: f64) {
        if let Some(video) = video.get_untracked() {
            let level = level.clamp(0.0, 1.0);
            video.set_volume(level);
            video.set_muted(level == 0.0);
        }
    }

    /// Whether the video is muted, and its volume.
    pub fn volume_state(video: NodeRef<html::Video>) -> Option<(bool, f64)> {
        video
            .get_untracked()
            .map(|video| (video.muted(), video.volume()))
    }

    /// Whether the stream has no end (live), once its duration is known.
    pub fn is_live(video: NodeRef<html::Video>) -> Option<bool> {
        video
            .get_untracked()
            .map(|video| !video.duration().is_finite())
    }

    /// Seeks by `seconds`, for streams with an end (a live stream has none to seek in).
    pub fn seek_by(video: NodeRef<html::Video>, seconds: f64) {
        if let Some(video) = video.get_untracked() {
            if video.duration().is_finite() {
                let to = (video.current_time() + seconds).clamp(0.0, video.duration());
                video.set_current_time(to);
            }
        }
    }

    pub fn choose_quality(index: i32) {
        super::browser::choose_quality(index);
    }

    pub fn toggle_fullscreen(container: NodeRef<html::Div>) {
        let document = document();
        if document.fullscreen_element().is_some() {
            document.exit_fullscreen();
        } else if let Some(container) = container.get_untracked() {
            let _ = container.request_fullscreen();
        }
    }
}

/// The server renders the controls; nothing plays there.
#[cfg(not(feature = "hydrate"))]
mod actions {
    use leptos::{html, prelude::*};

    pub fn toggle_play(_: NodeRef<html::Video>) {}
    pub fn toggle_mute(_: NodeRef<html::Video>) {}
    pub fn set_volume(_: NodeRef<html::Video>, _: f64) {}
    pub fn volume_state(_: NodeRef<html::Video>) -> Option<(bool, f64)> {
        None
    }
    pub fn is_live(_: NodeRef<html::Video>) -> Option<bool> {
        None
    }
    pub fn choose_quality(_: i32) {}
    pub fn toggle_fullscreen(_: NodeRef<html::Div>) {}
}

/// The browser side: hls.js (or native HLS), its events, keyboard shortcuts, cleanup.
#[cfg(feature = "hydrate")]
mod browser {
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
}
