//! `/watch/:eventId`: after a valid code (or at once for a public event), the waiting screen
//! (poster, title, countdown) until the event goes live, then the player; the session is kept
//! alive all along (heartbeats, token refreshes before expiry, release when the page goes away)
//! and any ending — revoked, taken over, expired, unavailable — gets its own screen with the
//! way out. `/embed/:eventId` is the same viewer without the page around the player.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use streamgate_domain::model::PlaybackGrant;
use uuid::Uuid;

use crate::{
    components::{
        player::{Player, Trouble},
        tip_alerts::TipAlerts,
    },
    viewer::outcome::{countdown_text, remaining_words, CodeRefusal, PlaybackEnd},
};

mod embed;
#[cfg(feature = "hydrate")]
mod session;

pub use embed::EmbedPage;

/// Access about to end is announced this long before.
const LAST_CALL_SECS: i64 = 15 * 60;
/// The remaining access time shows from this long before the end.
const SHOW_REMAINING_SECS: i64 = 6 * 60 * 60;

// Made by the browser side only; the server renders the first screen.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum Screen {
    /// Validating the code again (after a reload) or reading the event's status.
    Checking,
    /// This tab has no code for the event.
    NoCode,
    Refused(CodeRefusal),
    Waiting,
    Playing,
    Ended(PlaybackEnd),
}

#[component]
pub fn WatchPage() -> impl IntoView {
    view! { <Viewer embed=false /> }
}

/// The viewer of `/watch` and, with `embed`, of `/embed`: the player alone, and a code form
/// in place rather than a link to the code entry page.
#[component]
fn Viewer(embed: bool) -> impl IntoView {
    let event_id = use_params_map()
        .with_untracked(|params| params.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let screen = RwSignal::new(Screen::Checking);
    let grant = RwSignal::new(None::<PlaybackGrant>);
    let token = RwSignal::new(String::new());
    let now = RwSignal::new(Utc::now());
    // Bumped to restart the player (after a refresh answered a refused stream request).
    let player_run = RwSignal::new(0u32);

    #[cfg(feature = "hydrate")]
    session::run(event_id, screen, grant, token, now);
    #[cfg(not(feature = "hydrate"))]
    let _ = event_id;

    let title = move || grant.with(|grant| grant.as_ref().map(|g| g.event.title.clone()));
    let on_trouble = Callback::new(move |trouble: Trouble| {
        #[cfg(feature = "hydrate")]
        session::on_player_trouble(trouble, screen, token, player_run, event_id);
        #[cfg(not(feature = "hydrate"))]
        let _ = trouble;
    });

    view! {
        <Title text=move || title().unwrap_or_else(|| "Watch".to_owned()) />
        <main
            class=if embed { "viewer watch embed" } else { "viewer watch" }
            data-testid="watch"
            data-screen=move || screen_name(&screen.read())
        >
            {move || match screen.get() {
                Screen::Checking => view! {
                    <p class="status-line" role="status">"Checking your access…"</p>
                }.into_any(),
                Screen::NoCode if embed => view! {
                    <embed::CodeForm event_id screen grant token />
                }.into_any(),
                Screen::NoCode => view! {
                    <EndCard
                        title="Enter your access code"
                        text="This page needs the access code from your ticket."
                        action="Enter a code"
                        href="/".to_owned()
                    />
                }.into_any(),
                Screen::Refused(refusal) => view! {
                    <EndCard
                        title="Cannot open the stream"
                        text=refusal.message()
                        action="Back to code entry"
                        href=entry_href(event_id, embed)
                    />
                }.into_any(),
                Screen::Waiting => view! { <Waiting grant now /> }.into_any(),
                Screen::Playing => view! {
                    <Stage grant token now player_run on_trouble embed />
                }.into_any(),
                Screen::Ended(end) => view! {
                    <EndCard
                        title=end.title()
                        text=end.explanation().to_owned()
                        action=end.next_step()
                        href=match end {
                            PlaybackEnd::TakenOver | PlaybackEnd::Unavailable => {
                                retry_href(event_id, embed)
                            }
                            _ => entry_href(event_id, embed),
                        }
                    />
                }.into_any(),
            }}
        </main>
    }
}

/// The player with the access notices and, unless embedded, the event's title and description.
#[component]
fn Stage(
    grant: RwSignal<Option<PlaybackGrant>>,
    token: RwSignal<String>,
    now: RwSignal<DateTime<Utc>>,
    player_run: RwSignal<u32>,
    on_trouble: Callback<Trouble>,
    embed: bool,
) -> impl IntoView {
    let Some(current) = grant.get_untracked() else {
        return ().into_any();
    };
    let url = format!("{}{}", current.playback_base_url, current.stream_path);
    let poster = current.event.poster_url.clone();
    let player = move || {
        player_run.track();
        view! { <Player playlist_url=url.clone() poster=poster.clone() token on_trouble /> }
            .into_any()
    };
    view! {
        <section class="stage" aria-label="Stream">
            {player}
            {current.tip_alerts.then(|| view! { <TipAlerts event_id=current.event_id token /> })}
            <AccessNotice expires_at=current.expires_at now />
            {(!embed).then(|| view! {
                <h1>{current.event.title.clone()}</h1>
                {current.event.description.clone().map(|text| view! { <p class="lede">{text}</p> })}
            })}
        </section>
    }
    .into_any()
}

/// For tests and styling: which screen shows.
fn screen_name(screen: &Screen) -> &'static str {
    match screen {
        Screen::Checking => "checking",
        Screen::NoCode => "no-code",
        Screen::Refused(_) => "refused",
        Screen::Waiting => "waiting",
        Screen::Playing => "playing",
        Screen::Ended(_) => "ended",
    }
}

/// Where a code is entered: the code entry page, or the embedded viewer's own form.
fn entry_href(event_id: Option<Uuid>, embed: bool) -> String {
    match event_id {
        Some(id) if embed => format!("/embed/{id}"),
        _ => "/".to_owned(),
    }
}

/// Back to code entry with this tab's code filled in (it submits by itself); without a code
/// (a public event, or embedded) the same page again.
fn retry_href(event_id: Option<Uuid>, embed: bool) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(code) = event_id.and_then(crate::viewer::grant_store::code) {
        if !embed {
            return format!("/?code={code}");
        }
    }
    match event_id {
        Some(id) => format!("/{}/{id}", if embed { "embed" } else { "watch" }),
        None => "/".to_owned(),
    }
}

#[component]
fn EndCard(
    title: &'static str,
    #[prop(into)] text: String,
    action: &'static str,
    href: String,
) -> impl IntoView {
    view! {
        <section class="card end-card" role="alert" aria-labelledby="end-title">
            <h1 id="end-title" data-testid="end-title">{title}</h1>
            <p>{text}</p>
            <a class="button" href=href>{action}</a>
        </section>
    }
}

#[component]
fn Waiting(grant: RwSignal<Option<PlaybackGrant>>, now: RwSignal<DateTime<Utc>>) -> impl IntoView {
    let Some(grant) = grant.get_untracked() else {
        return ().into_any();
    };
    let starts_at = grant.event.starts_at;
    let left = move || (starts_at - now.get()).num_seconds();
    view! {
        <section class="card waiting" aria-labelledby="waiting-title">
            {grant.event.poster_url.clone().map(|src| view! {
                <img class="poster" src=src alt="" width="1280" height="720" />
            })}
            <h1 id="waiting-title">{grant.event.title.clone()}</h1>
            {grant.event.description.clone().map(|text| view! { <p class="lede">{text}</p> })}
            <p class="starts-in">"Starts in"</p>
            <p class="countdown" role="timer" aria-live="off" data-testid="countdown">
                {move || countdown_text(left())}
            </p>
            <p class="hint">
                "Starts at "
                <time datetime=streamgate_domain::model::time::format(&starts_at)>
                    {local_time(starts_at)}
                </time>
                ". This page switches to the stream by itself; keep it open."
            </p>
        </section>
    }
    .into_any()
}

/// A moment in the viewer's own time zone and language ("Friday 27 November 2026 at 21:30").
fn local_time(at: DateTime<Utc>) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"full".into());
        let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
        let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options);
        let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
        format
            .format()
            .call1(&JsValue::UNDEFINED, &date)
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_else(|| streamgate_domain::model::time::format(&at))
    }
    #[cfg(not(feature = "hydrate"))]
    at.format("%A %-d %B %Y, %H:%M UTC").to_string()
}

/// How long access lasts, in the last 6 hours; a notice in the last 15 minutes.
#[component]
fn AccessNotice(expires_at: DateTime<Utc>, now: RwSignal<DateTime<Utc>>) -> impl IntoView {
    let left = move || (expires_at - now.get()).num_seconds();
    view! {
        <Show when=move || left() <= SHOW_REMAINING_SECS>
            <p class="access-left" data-testid="access-left">
                "Access ends in " {move || remaining_words(left())}
            </p>
        </Show>
        <Show when=move || left() <= LAST_CALL_SECS>
            <p class="access-notice" role="status">
                "Your access ends in " {move || remaining_words(left())} ". Playback stops then."
            </p>
        </Show>
    }
    .into_any()
}
