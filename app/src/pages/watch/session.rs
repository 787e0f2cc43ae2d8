//! The watch page's browser side: getting the grant, the clock, status polls, heartbeats,
//! token refreshes and the release when the page goes away.

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
        if done.is_none() {
            start(event_id, screen, grant, token);
        }
    });

    // The clock: countdown, access notices, and the switch to the player.
    let ticks = set_interval_with_handle(
        move || {
            let at = Utc::now();
            now.set(at);
            let ended = grant
                .with_untracked(|grant| grant.as_ref().is_some_and(|grant| grant.expires_at <= at));
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

/// Gets a grant for `event_id` and shows what comes next: the countdown, the player or why
/// not. Run once the page is up, and again when the embedded code form hands a grant over.
pub fn start(
    event_id: Option<Uuid>,
    screen: RwSignal<Screen>,
    grant: RwSignal<Option<PlaybackGrant>>,
    token: RwSignal<String>,
) {
    let Some(event_id) = event_id else {
        screen.set(Screen::NoCode);
        return;
    };
    screen.set(Screen::Checking);
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
}

/// The grant handed over by a code form, or (after a reload) a fresh one from the code this
/// tab used, or else a public event's play token.
async fn obtain(event_id: Uuid, screen: RwSignal<Screen>) -> Option<PlaybackGrant> {
    if let Some(grant) = grant_store::take(event_id) {
        return Some(grant);
    }
    let Some(code) = grant_store::code(event_id) else {
        return play_publicly(event_id, screen).await;
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

/// A public event plays without a code; any other asks for one.
async fn play_publicly(event_id: Uuid, screen: RwSignal<Screen>) -> Option<PlaybackGrant> {
    match public_api::play_token(event_id).await {
        Answer::Ok(grant) => Some(grant),
        Answer::Refused { status: 404, .. } => {
            screen.set(Screen::NoCode);
            None
        }
        Answer::Refused {
            status,
            error,
            retry_after,
        } => {
            let refusal = CodeRefusal::from_answer(status, &error, retry_after);
            screen.set(Screen::Refused(refusal));
            None
        }
        Answer::Unreachable => {
            screen.set(Screen::Refused(CodeRefusal::Unreachable));
            None
        }
    }
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
