//! The video player: hls.js driven from Rust (or the browser's own HLS where there is no Media
//! Source Extensions, e.g. Safari on iPhone, through the query-token URL), behind controls that
//! work by mouse, touch, keyboard and screen reader: play/pause, mute and volume, quality,
//! fullscreen; keys space, f, m, ←/→ (seek, when not live) and ↑/↓ (volume).

use leptos::{html, prelude::*};

mod actions;
#[cfg(feature = "hydrate")]
mod browser;

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
                {control(
                    move || if playing.get() { "Pause" } else { "Play" },
                    None,
                    move || if playing.get() { PAUSE } else { PLAY },
                    move || actions::toggle_play(video),
                )}
                {control(
                    || "Mute",
                    Some(muted),
                    move || if muted.get() { MUTED } else { SOUND },
                    move || actions::toggle_mute(video),
                )}
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
                {control(
                    move || if fullscreen.get() { "Exit fullscreen" } else { "Fullscreen" },
                    None,
                    move || if fullscreen.get() { EXIT_FULLSCREEN } else { FULLSCREEN },
                    move || actions::toggle_fullscreen(container),
                )}
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

/// A control button; its label and icon follow the player's state, and `pressed` (for a
/// toggle) says whether it is on.
fn control(
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    pressed: Option<RwSignal<bool>>,
    path: impl Fn() -> &'static str + Send + Sync + 'static,
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="control"
            aria-label=label
            aria-pressed=move || pressed.map(|pressed| pressed.get().to_string())
            on:click=move |_| on_click()
        >
            {move || icon(path())}
        </button>
    }
}

fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d=path fill="currentColor" />
        </svg>
    }
}
