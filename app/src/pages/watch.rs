//! `/watch/:eventId`: after a valid code, the waiting screen (poster, title, countdown) until
//! the event goes live, then the player; the session is kept alive all along (heartbeats,
//! token refreshes before expiry, release when the page goes away) and any ending — revoked,
//! taken over, expired, unavailable — gets its own screen with the way out.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use streamgate_domain::model::PlaybackGrant;
use uuid::Uuid;

use crate::{
    components::player::{Player, Trouble},
    viewer::outcome::{countdown_text, remaining_words, CodeRefusal, PlaybackEnd},
};

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
        <main class="viewer watch" data-testid="watch" data-screen=move || screen_name(&screen.read())>
            {move || match screen.get() {
                Screen::Checking => view! {
                    <p class="status-line" role="status">"Checking your access…"</p>
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
                        href="/".to_owned()
                    />
                }.into_any(),
                Screen::Waiting => view! { <Waiting grant now /> }.into_any(),
                Screen::Playing => view! { <Stage grant token now player_run on_trouble /> }.into_any(),
                Screen::Ended(end) => view! {
                    <EndCard
                        title=end.title()
                        text=end.explanation().to_owned()
                        action=end.next_step()
                        href=match end {
                            PlaybackEnd::TakenOver | PlaybackEnd::Unavailable => {
                                retry_href(event_id)
                            }
                            _ => "/".to_owned(),
                        }
                    />
                }.into_any(),
            }}
        </main>
    }
}

/// The player with the event's title and description, and the access notices.
#[component]
fn Stage(
    grant: RwSignal<Option<PlaybackGrant>>,
    token: RwSignal<String>,
    now: RwSignal<DateTime<Utc>>,
    player_run: RwSignal<u32>,
    on_trouble: Callback<Trouble>,
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
            <AccessNotice expires_at=current.expires_at now />
            <h1>{current.event.title.clone()}</h1>
            {current.event.description.clone().map(|text| view! { <p class="lede">{text}</p> })}
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

/// Back to code entry with this tab's code filled in (it submits by itself).
fn retry_href(event_id: Option<Uuid>) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(code) = event_id.and_then(crate::viewer::grant_store::code) {
        return format!("/?code={code}");
    }
    let _ = event_id;
    "/".to_owned()
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

/// The browser side of the page: getting the grant, the clock, status polls, heartbeats,
/// refreshes and the release.
#[cfg(feature = "hydrate")]
mod session {
    use std::time::Duration;

    use chrono::{DateTime, Utc};
    use leptos::{ev, prelude::*, task::spawn_local};
    use streamgate_domain::model::{EventStatus, PlaybackGrant};
    use uuid::Uuid;

    use super::Screen;
    use crate::{
        components::player::Trouble,
        viewer::{
            grant_store,
            outcome::{CodeRefusal, PlaybackEnd},
            public_api::{self, Answer},
        },
    };

    const HEARTBEAT: Duration = Duration::from_secs(30);
    /// Status polls while waiting; every few seconds once the start time has come.
    const STATUS_POLL: Duration = Duration::from_secs(30);
    const STATUS_POLL_AT_START: Duration = Duration::from_secs(2);
    /// A token is refreshed this long before it expires.
    const REFRESH_MARGIN_SECS: i64 = 120;

    pub fn run(
        event_id: Option<Uuid>,
        screen: RwSignal<Screen>,
        grant: RwSignal<Option<PlaybackGrant>>,
        token: RwSignal<String>,
        now: RwSignal<DateTime<Utc>>,
    ) {
        Effect::new(move |done: Option<()>| {
            if done.is_some() {
                return;
            }
            let Some(event_id) = event_id else {
                screen.set(Screen::NoCode);
                return;
            };
            spawn_local(async move {
                let Some(granted) = obtain(event_id, screen).await else {
                    return;
                };
                token.set(granted.playback_token.clone());
                let starts_at = granted.event.starts_at;
                grant.set(Some(granted.clone()));
                schedule_refresh(event_id, granted.token_expires_in, screen, token);
                if starts_at > Utc::now() {
                    screen.set(Screen::Waiting);
                }
                check_status(event_id, screen).await;
            });
        });

        // The clock: countdown, access notices, and the switch to the player.
        let ticks = set_interval_with_handle(
            move || {
                let at = Utc::now();
                now.set(at);
                let ended = grant.with_untracked(|grant| {
                    grant.as_ref().is_some_and(|grant| grant.expires_at <= at)
                });
                if ended && matches!(screen.get_untracked(), Screen::Playing | Screen::Waiting) {
                    end(screen, event_id, PlaybackEnd::Expired);
                }
            },
            Duration::from_secs(1),
        )
        .ok();
        let polled = std::cell::Cell::new(Utc::now());
        let polls = set_interval_with_handle(
            move || {
                if screen.get_untracked() != Screen::Waiting {
                    return;
                }
                let started = grant.with_untracked(|grant| {
                    grant
                        .as_ref()
                        .is_some_and(|grant| grant.event.starts_at <= Utc::now())
                });
                let every = if started {
                    STATUS_POLL_AT_START
                } else {
                    STATUS_POLL
                };
                if (Utc::now() - polled.get()).to_std().unwrap_or_default() < every {
                    return;
                }
                polled.set(Utc::now());
                if let Some(event_id) = event_id {
                    spawn_local(check_status(event_id, screen));
                }
            },
            Duration::from_secs(1),
        )
        .ok();
        let beats = set_interval_with_handle(
            move || {
                let current = token.get_untracked();
                if current.is_empty()
                    || !matches!(screen.get_untracked(), Screen::Playing | Screen::Waiting)
                {
                    return;
                }
                spawn_local(async move {
                    match public_api::heartbeat(&current).await {
                        Answer::Refused { status: 404, .. } => {
                            end(screen, event_id, PlaybackEnd::TakenOver)
                        }
                        Answer::Refused { status: 401, .. } => {
                            end(screen, event_id, PlaybackEnd::Expired)
                        }
                        _ => {}
                    }
                });
            },
            HEARTBEAT,
        )
        .ok();
        // Leaving (closing the tab, navigating away, reloading) frees the code at once.
        let leaving = window_event_listener(ev::pagehide, move |_| {
            let current = token.get_untracked();
            if !current.is_empty()
                && matches!(screen.get_untracked(), Screen::Playing | Screen::Waiting)
            {
                public_api::release(&current);
            }
        });
        on_cleanup(move || {
            for handle in [ticks, polls, beats].into_iter().flatten() {
                handle.clear();
            }
            leaving.remove();
            let current = token.get_untracked();
            if !current.is_empty()
                && matches!(screen.get_untracked(), Screen::Playing | Screen::Waiting)
            {
                public_api::release(&current);
            }
        });
    }

    /// The grant handed over by the code entry page, or (after a reload) a fresh one from the
    /// code this tab used.
    async fn obtain(event_id: Uuid, screen: RwSignal<Screen>) -> Option<PlaybackGrant> {
        if let Some(grant) = grant_store::take(event_id) {
            return Some(grant);
        }
        let Some(code) = grant_store::code(event_id) else {
            screen.set(Screen::NoCode);
            return None;
        };
        // The reload's release may still be on its way: one more try if the code is in use.
        for attempt in 0..2 {
            match public_api::validate(&code).await {
                Answer::Ok(grant) if grant.event_id == event_id => return Some(grant),
                Answer::Ok(_) => break,
                Answer::Refused { status: 409, .. } if attempt == 0 => {
                    sleep(Duration::from_secs(2)).await;
                }
                Answer::Refused {
                    status,
                    error,
                    retry_after,
                } => {
                    screen.set(Screen::Refused(CodeRefusal::from_answer(
                        status,
                        &error,
                        retry_after,
                    )));
                    return None;
                }
                Answer::Unreachable => {
                    screen.set(Screen::Refused(CodeRefusal::Unreachable));
                    return None;
                }
            }
        }
        screen.set(Screen::Refused(CodeRefusal::InUse));
        None
    }

    /// Asks where the event stands; plays once it is live (or its recording is).
    async fn check_status(event_id: Uuid, screen: RwSignal<Screen>) {
        if let Answer::Ok(report) = public_api::event_status(event_id).await {
            let current = screen.get_untracked();
            if !matches!(current, Screen::Checking | Screen::Waiting) {
                return;
            }
            match report.status {
                EventStatus::Live | EventStatus::Recording => screen.set(Screen::Playing),
                EventStatus::NotStarted => screen.set(Screen::Waiting),
                EventStatus::Ended => end(screen, Some(event_id), PlaybackEnd::Expired),
            }
        } else if screen.get_untracked() == Screen::Checking {
            // No status: try to play; the player reports what goes wrong.
            screen.set(Screen::Playing);
        }
    }

    /// Refreshes the token `expires_in` seconds from now, less a margin, and again after that.
    fn schedule_refresh(
        event_id: Uuid,
        expires_in: i64,
        screen: RwSignal<Screen>,
        token: RwSignal<String>,
    ) {
        let delay = (expires_in - REFRESH_MARGIN_SECS).max(10) as u64;
        set_timeout(
            move || {
                if !matches!(screen.get_untracked(), Screen::Playing | Screen::Waiting) {
                    return;
                }
                spawn_local(async move {
                    match public_api::refresh(&token.get_untracked()).await {
                        Answer::Ok(refreshed) => {
                            token.set(refreshed.playback_token);
                            schedule_refresh(event_id, refreshed.token_expires_in, screen, token);
                        }
                        Answer::Refused {
                            status: 429,
                            retry_after,
                            ..
                        } => {
                            schedule_refresh(
                                event_id,
                                retry_after.unwrap_or(60) as i64 + REFRESH_MARGIN_SECS,
                                screen,
                                token,
                            );
                        }
                        Answer::Refused { status, .. } => {
                            end(screen, Some(event_id), PlaybackEnd::from_status(status))
                        }
                        Answer::Unreachable => {
                            schedule_refresh(event_id, 30 + REFRESH_MARGIN_SECS, screen, token)
                        }
                    }
                });
            },
            Duration::from_secs(delay),
        );
    }

    /// The HLS listener refused the token: the refresh endpoint says why (and if it was only
    /// the token, the player starts again with a fresh one).
    pub fn on_player_trouble(
        trouble: Trouble,
        screen: RwSignal<Screen>,
        token: RwSignal<String>,
        player_run: RwSignal<u32>,
        event_id: Option<Uuid>,
    ) {
        if trouble == Trouble::Unavailable {
            return end(screen, event_id, PlaybackEnd::Unavailable);
        }
        spawn_local(async move {
            match public_api::refresh(&token.get_untracked()).await {
                Answer::Ok(refreshed) => {
                    token.set(refreshed.playback_token);
                    player_run.update(|run| *run += 1);
                }
                Answer::Refused { status, .. } => {
                    end(screen, event_id, PlaybackEnd::from_status(status))
                }
                Answer::Unreachable => end(screen, event_id, PlaybackEnd::Unavailable),
            }
        });
    }

    /// Shows an end screen once. Access that is gone for good forgets the code.
    fn end(screen: RwSignal<Screen>, event_id: Option<Uuid>, end: PlaybackEnd) {
        if matches!(screen.get_untracked(), Screen::Ended(_)) {
            return;
        }
        if let (Some(event_id), PlaybackEnd::Revoked | PlaybackEnd::Expired) = (event_id, end) {
            grant_store::forget(event_id);
        }
        screen.set(Screen::Ended(end));
    }

    async fn sleep(duration: Duration) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            set_timeout(
                move || {
                    let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
                },
                duration,
            );
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}
