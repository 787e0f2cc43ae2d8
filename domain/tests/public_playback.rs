//! Public events through the domain, on SQLite and PostgreSQL alike: a play token without a
//! code opens a session of its own that counts as a live viewer, heartbeats, refreshes and
//! releases like a code's, and ends when the event stops being public; anything that does not
//! play publicly now is not found; play tokens are rate limited per address.

use std::{net::IpAddr, sync::Arc, time::Duration as StdDuration};

use chrono::Duration;
use streamgate_domain::{
    assert_refused,
    authz::Authorizer,
    model::{time, Event, EventPatch, NewEvent, Principal, SessionEndReason, PUBLIC_SUBJECT},
    playback::{Denied, PlaybackConfig, PlaybackKeys, Revoked},
    service::{Domain, EventSwitch, RateLimit},
    store::Store,
    testing, DomainError, PlaybackRefusal,
};
use uuid::Uuid;

const BASE_URL: &str = "http://127.0.0.1:4000";

fn domain(store: Arc<dyn Store>, config: PlaybackConfig) -> Domain {
    Domain::new(store, Authorizer::default()).with_playback(config)
}

fn config() -> PlaybackConfig {
    PlaybackConfig::new(PlaybackKeys::ephemeral())
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

async fn owner(domain: &Domain) -> Principal {
    let email = format!("owner-{}@acme.test", Uuid::new_v4().simple());
    testing::account_owner(domain, &email).await
}

/// An event from `start_hours` from now, `hours` long, codes working `window` hours after.
async fn event_at(
    domain: &Domain,
    owner: &Principal,
    public: bool,
    (start_hours, hours, window): (i64, i64, i32),
) -> Event {
    let starts_at = time::now() + Duration::hours(start_hours);
    let input = NewEvent {
        public_playback: public,
        access_window_hours: Some(window),
        ..testing::new_event("Open day", starts_at, hours)
    };
    testing::create_event(domain, owner, input).await
}

/// Live now: started an hour ago, two more to go.
const LIVE: (i64, i64, i32) = (-1, 3, 48);

async fn play(domain: &Domain, event_id: Uuid) -> Result<String, DomainError> {
    let playback = domain.playback();
    let answer = playback
        .play_public(event_id, None, BASE_URL.into())
        .await?;
    Ok(answer.playback_token)
}

async fn viewers(domain: &Domain, owner: &Principal) -> i64 {
    domain
        .events()
        .dashboard(owner)
        .await
        .unwrap()
        .active_viewers
}

async fn a_public_session_opens_counts_heartbeats_refreshes_and_releases(store: Arc<dyn Store>) {
    let domain = domain(store, config());
    let owner = owner(&domain).await;
    let event = event_at(&domain, &owner, true, LIVE).await;
    assert!(event.public_playback);

    let answer = domain
        .playback()
        .play_public(event.id, ip("192.0.2.7"), BASE_URL.into())
        .await
        .unwrap();
    assert_eq!(answer.stream_path, format!("/streams/{}/", event.id));
    assert_eq!(answer.playback_base_url, BASE_URL);
    assert_eq!(answer.token_expires_in, 3600);
    assert_eq!(answer.event.title, "Open day");
    assert!(answer.event.is_live);
    let guard = domain.access_guard();
    let claims = guard.admit(&answer.playback_token, event.id).unwrap();
    assert_eq!(claims.sub, PUBLIC_SUBJECT);

    // Every call is a viewer of its own; none holds another off.
    let second = play(&domain, event.id).await.unwrap();
    assert_ne!(guard.admit(&second, event.id).unwrap().sid, claims.sid);
    assert_eq!(viewers(&domain, &owner).await, 2);

    let playback = domain.playback();
    playback.heartbeat(&answer.playback_token).await.unwrap();
    let refreshed = playback.refresh(&answer.playback_token).await.unwrap();
    let renewed = guard.admit(&refreshed.playback_token, event.id).unwrap();
    assert_eq!(
        (renewed.sid, renewed.sub.as_str()),
        (claims.sid, PUBLIC_SUBJECT)
    );

    playback.release(&refreshed.playback_token).await.unwrap();
    assert_eq!(
        guard.admit(&answer.playback_token, event.id),
        Err(Denied::Revoked(Revoked::Session))
    );
    assert_refused!(
        playback.heartbeat(&refreshed.playback_token).await,
        DomainError::Playback(PlaybackRefusal::SessionNotFound)
    );
    assert_eq!(viewers(&domain, &owner).await, 1);
}

async fn refused_unless_public_active_and_inside_its_window(store: Arc<dyn Store>) {
    let domain = domain(store, config());
    let owner = owner(&domain).await;
    assert_refused!(
        play(&domain, Uuid::new_v4()).await,
        DomainError::NotFound { what: "Event" }
    );
    let private = event_at(&domain, &owner, false, LIVE).await;
    assert_refused!(
        play(&domain, private.id).await,
        DomainError::NotFound { .. }
    );
    // Ended two hours ago with a one-hour window: the window has closed.
    let closed = event_at(&domain, &owner, true, (-5, 3, 1)).await;
    assert_refused!(play(&domain, closed.id).await, DomainError::NotFound { .. });
    let off = event_at(&domain, &owner, true, LIVE).await;
    domain
        .events()
        .switch(&owner, off.id, EventSwitch::Deactivate, None)
        .await
        .unwrap();
    assert_refused!(play(&domain, off.id).await, DomainError::NotFound { .. });
    // Before the start, as with a code: the viewer waits on the countdown.
    let soon = event_at(&domain, &owner, true, (2, 1, 48)).await;
    assert!(play(&domain, soon.id).await.is_ok());
    // During its access window, the recording plays.
    let recording = event_at(&domain, &owner, true, (-5, 3, 48)).await;
    assert!(play(&domain, recording.id).await.is_ok());
    assert_eq!(viewers(&domain, &owner).await, 2);
}

async fn unpublishing_ends_public_sessions_and_leaves_codes_alone(store: Arc<dyn Store>) {
    let domain = domain(store, config());
    let owner = owner(&domain).await;
    let event = event_at(&domain, &owner, true, LIVE).await;
    let codes = testing::generate_codes(&domain, &owner, &event, 1, None).await;
    let before = time::now();
    let public = play(&domain, event.id).await.unwrap();
    let grant = domain
        .playback()
        .validate(&codes[0].code, None, BASE_URL.into())
        .await
        .unwrap();

    let unpublish = EventPatch {
        public_playback: Some(false),
        ..EventPatch::default()
    };
    let updated = domain
        .events()
        .update(&owner, event.id, unpublish, None)
        .await
        .unwrap();
    assert!(!updated.public_playback);

    let guard = domain.access_guard();
    assert_eq!(
        guard.admit(&public, event.id),
        Err(Denied::Revoked(Revoked::Session))
    );
    assert!(guard.admit(&grant.playback_token, event.id).is_ok());
    let playback = domain.playback();
    assert_refused!(
        playback.heartbeat(&public).await,
        DomainError::Playback(PlaybackRefusal::SessionNotFound)
    );
    assert_refused!(
        playback.refresh(&public).await,
        DomainError::Playback(PlaybackRefusal::AccessRevoked)
    );
    assert_refused!(play(&domain, event.id).await, DomainError::NotFound { .. });
    assert_eq!(viewers(&domain, &owner).await, 1);
    // Edges hear of it through the feed.
    let feed = playback.revocation_feed(before).await.unwrap();
    let ended: Vec<_> = feed
        .ended_sessions
        .iter()
        .map(|s| (s.code.as_str(), s.reason))
        .collect();
    assert_eq!(ended, [(PUBLIC_SUBJECT, SessionEndReason::Unpublished)]);
}

async fn switching_off_stops_public_tokens_and_the_sweeper_ends_silent_ones(store: Arc<dyn Store>) {
    let impatient = PlaybackConfig {
        session_timeout: StdDuration::from_secs(1),
        ..config()
    };
    let domain = domain(store, impatient);
    let owner = owner(&domain).await;
    let event = event_at(&domain, &owner, true, LIVE).await;
    let silent = play(&domain, event.id).await.unwrap();
    tokio::time::sleep(StdDuration::from_millis(1100)).await;
    assert_eq!(domain.playback().end_timed_out_sessions().await.unwrap(), 1);
    let guard = domain.access_guard();
    assert_eq!(
        guard.admit(&silent, event.id),
        Err(Denied::Revoked(Revoked::Session))
    );

    let token = play(&domain, event.id).await.unwrap();
    domain
        .events()
        .switch(&owner, event.id, EventSwitch::Deactivate, None)
        .await
        .unwrap();
    assert_eq!(
        guard.admit(&token, event.id),
        Err(Denied::Revoked(Revoked::Event))
    );
    assert_refused!(
        domain.playback().refresh(&token).await,
        DomainError::Playback(PlaybackRefusal::AccessRevoked)
    );
}

async fn play_tokens_are_rate_limited_per_address(store: Arc<dyn Store>) {
    let limited = PlaybackConfig {
        play_token_limit: RateLimit::per_minute(2),
        ..config()
    };
    let domain = domain(store, limited);
    let owner = owner(&domain).await;
    let event = event_at(&domain, &owner, true, LIVE).await;
    let playback = domain.playback();
    let from = |address| playback.play_public(event.id, ip(address), BASE_URL.into());
    from("198.51.100.1").await.unwrap();
    from("198.51.100.1").await.unwrap();
    assert_refused!(
        from("198.51.100.1").await,
        DomainError::Playback(PlaybackRefusal::TooManyValidations { .. })
    );
    // Even an unknown event counts: probing is limited too.
    assert_refused!(
        playback
            .play_public(Uuid::new_v4(), ip("198.51.100.1"), BASE_URL.into())
            .await,
        DomainError::Playback(PlaybackRefusal::TooManyValidations { .. })
    );
    from("198.51.100.2").await.unwrap();
}

streamgate_domain::on_both_backends!(
    a_public_session_opens_counts_heartbeats_refreshes_and_releases,
    refused_unless_public_active_and_inside_its_window,
    unpublishing_ends_public_sessions_and_leaves_codes_alone,
    switching_off_stops_public_tokens_and_the_sweeper_ends_silent_ones,
    play_tokens_are_rate_limited_per_address,
);
