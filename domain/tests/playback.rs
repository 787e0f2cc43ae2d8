//! Watching through the domain, on SQLite and PostgreSQL alike: codes traded for playback
//! tokens, one device per code (also under a race), heartbeats, refreshes, releases, rate
//! limits, the revocation feed and the cache the HLS listener checks.

use std::{net::IpAddr, sync::Arc, time::Duration as StdDuration};

use chrono::Duration;
use streamgate_domain::{
    assert_refused,
    authz::Authorizer,
    model::{time, AccessCode, Event, EventStatus, NewEvent, Principal, SessionEndReason},
    playback::{Denied, PlaybackClaims, PlaybackConfig, PlaybackKeys, Revoked},
    service::{Domain, EventSwitch, RateLimit},
    store::Store,
    testing, DomainError, PlaybackRefusal,
};

const BASE_URL: &str = "http://127.0.0.1:4000";

fn domain(store: Arc<dyn Store>) -> Domain {
    Domain::new(store, Authorizer::default())
}

/// A domain whose sessions time out after one second.
fn impatient(store: Arc<dyn Store>) -> Domain {
    let config = PlaybackConfig {
        session_timeout: StdDuration::from_secs(1),
        ..PlaybackConfig::new(PlaybackKeys::ephemeral())
    };
    domain(store).with_playback(config)
}

async fn owner(domain: &Domain) -> Principal {
    let email = format!("owner-{}@acme.test", uuid::Uuid::new_v4().simple());
    testing::account_owner(domain, &email).await
}

/// An event from `start_hours` from now, `hours` long, codes working `window` hours after.
async fn event_at(
    domain: &Domain,
    owner: &Principal,
    start_hours: i64,
    hours: i64,
    window: i32,
) -> Event {
    let starts_at = time::now() + Duration::hours(start_hours);
    let input = NewEvent {
        description: Some("Live".into()),
        access_window_hours: Some(window),
        ..testing::new_event("Keynote", starts_at, hours)
    };
    testing::create_event(domain, owner, input).await
}

/// A live event (started an hour ago, two more to go) with `count` codes.
async fn live_event(domain: &Domain, count: i64) -> (Principal, Event, Vec<AccessCode>) {
    let owner = owner(domain).await;
    let event = event_at(domain, &owner, -1, 3, 48).await;
    let codes = codes(domain, &owner, &event, count).await;
    (owner, event, codes)
}

async fn codes(domain: &Domain, owner: &Principal, event: &Event, count: i64) -> Vec<AccessCode> {
    testing::generate_codes(domain, owner, event, count, None).await
}

async fn validate(
    domain: &Domain,
    code: &str,
) -> Result<streamgate_domain::model::PlaybackGrant, DomainError> {
    domain
        .playback()
        .validate(code, None, BASE_URL.to_owned())
        .await
}

async fn switch_off(domain: &Domain, owner: &Principal, event: &Event) {
    domain
        .events()
        .switch(owner, event.id, EventSwitch::Deactivate, None)
        .await
        .unwrap();
}

async fn revoke(domain: &Domain, owner: &Principal, code: &AccessCode) {
    domain
        .codes()
        .set_revoked(owner, code.id, true, None)
        .await
        .unwrap();
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

async fn validate_grants_a_token_and_the_first_redemption_is_kept(store: Arc<dyn Store>) {
    let domain = domain(store.clone());
    let (_, event, codes) = live_event(&domain, 1).await;
    let code = &codes[0];

    let grant = domain
        .playback()
        .validate(
            &format!("  {}\n", code.code),
            ip("192.0.2.7"),
            BASE_URL.into(),
        )
        .await
        .unwrap();
    assert_eq!(grant.stream_path, format!("/streams/{}/", event.id));
    assert_eq!(grant.event_id, event.id);
    assert_eq!(grant.expires_at, event.codes_expire_at());
    assert_eq!(grant.token_expires_in, 3600);
    assert_eq!(grant.playback_base_url, BASE_URL);
    assert!(grant.event.is_live);
    assert_eq!(grant.event.title, "Keynote");
    let claims = domain
        .access_guard()
        .admit(&grant.playback_token, event.id)
        .unwrap();
    assert_eq!(
        (claims.sub.as_str(), claims.eid),
        (code.code.as_str(), event.id)
    );

    let redeemed = store.find_code(code.id).await.unwrap().unwrap();
    let first_at = redeemed.redeemed_at.expect("redeemed");
    assert_eq!(redeemed.redeemed_ip.as_deref(), Some("192.0.2.7"));

    // Another redemption (after letting go) keeps the first one's time and address.
    domain
        .playback()
        .release(&grant.playback_token)
        .await
        .unwrap();
    domain
        .playback()
        .validate(&code.code, ip("198.51.100.9"), BASE_URL.into())
        .await
        .unwrap();
    let again = store.find_code(code.id).await.unwrap().unwrap();
    assert_eq!(again.redeemed_at, Some(first_at));
    assert_eq!(again.redeemed_ip.as_deref(), Some("192.0.2.7"));
}

async fn every_validation_refusal(store: Arc<dyn Store>) {
    let domain = domain(store);
    let (owner, event, codes) = live_event(&domain, 3).await;
    for blank in ["", "   ", "Ab3k-F9mN", "Ab3k F9mN", "<script>"] {
        assert_refused!(
            validate(&domain, blank).await,
            DomainError::Playback(PlaybackRefusal::CodeMissing)
        );
    }
    assert_refused!(
        validate(&domain, "Zz9Zz9Zz9Zz9").await,
        DomainError::Playback(PlaybackRefusal::UnknownCode)
    );
    // Codes are case-sensitive.
    let swapped: String = codes[0]
        .code
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    if swapped != codes[0].code {
        assert_refused!(
            validate(&domain, &swapped).await,
            DomainError::Playback(PlaybackRefusal::UnknownCode)
        );
    }

    revoke(&domain, &owner, &codes[0]).await;
    assert_refused!(
        validate(&domain, &codes[0].code).await,
        DomainError::Playback(PlaybackRefusal::CodeRevoked)
    );

    validate(&domain, &codes[1].code).await.unwrap();
    assert_refused!(
        validate(&domain, &codes[1].code).await,
        DomainError::Playback(PlaybackRefusal::InUse)
    );

    switch_off(&domain, &owner, &event).await;
    assert_refused!(
        validate(&domain, &codes[2].code).await,
        DomainError::Playback(PlaybackRefusal::EventUnavailable)
    );

    // An event that ended three hours ago with a one-hour access window.
    let past = event_at(&domain, &owner, -5, 2, 1).await;
    let expired = self::codes(&domain, &owner, &past, 1).await;
    assert_refused!(
        validate(&domain, &expired[0].code).await,
        DomainError::Playback(PlaybackRefusal::CodeExpired)
    );
}

async fn one_hundred_parallel_validations_of_one_code_make_one_session(store: Arc<dyn Store>) {
    let domain = domain(store);
    let (_, _, codes) = live_event(&domain, 1).await;
    let code = codes[0].code.clone();
    let attempts: Vec<_> = (0..100)
        .map(|_| {
            let domain = domain.clone();
            let code = code.clone();
            tokio::spawn(async move { validate(&domain, &code).await })
        })
        .collect();
    let mut granted = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => granted += 1,
            Err(DomainError::Playback(PlaybackRefusal::InUse)) => {}
            Err(other) => panic!("unexpected refusal: {other:?}"),
        }
    }
    assert_eq!(granted, 1);
}

async fn heartbeat_refresh_and_release(store: Arc<dyn Store>) {
    let domain = domain(store);
    let (_, event, codes) = live_event(&domain, 1).await;
    let grant = validate(&domain, &codes[0].code).await.unwrap();
    let playback = domain.playback();
    playback.heartbeat(&grant.playback_token).await.unwrap();

    let refreshed = playback.refresh(&grant.playback_token).await.unwrap();
    assert_eq!(refreshed.token_expires_in, 3600);
    let guard = domain.access_guard();
    let old = guard.admit(&grant.playback_token, event.id).unwrap();
    let new = guard.admit(&refreshed.playback_token, event.id).unwrap();
    assert_eq!((new.sid, new.sub.as_str()), (old.sid, old.sub.as_str()));

    playback.release(&refreshed.playback_token).await.unwrap();
    // Released: every token of the session stops, and the code is free for another device.
    assert_eq!(
        guard.admit(&grant.playback_token, event.id),
        Err(Denied::Revoked(Revoked::Session))
    );
    assert_refused!(
        playback.heartbeat(&refreshed.playback_token).await,
        DomainError::Playback(PlaybackRefusal::SessionNotFound)
    );
    assert_refused!(
        playback.refresh(&refreshed.playback_token).await,
        DomainError::Playback(PlaybackRefusal::SessionNotFound)
    );
    playback.release(&refreshed.playback_token).await.unwrap();
    assert_refused!(
        playback.heartbeat("not-a-token").await,
        DomainError::Playback(PlaybackRefusal::InvalidToken)
    );
    assert_refused!(
        playback.release("not-a-token").await,
        DomainError::Playback(PlaybackRefusal::InvalidToken)
    );
    validate(&domain, &codes[0].code).await.unwrap();
}

async fn refresh_refusals(store: Arc<dyn Store>) {
    let domain = domain(store);
    let (owner, event, codes) = live_event(&domain, 2).await;
    let playback = domain.playback();

    let grant = validate(&domain, &codes[0].code).await.unwrap();
    revoke(&domain, &owner, &codes[0]).await;
    assert_refused!(
        playback.refresh(&grant.playback_token).await,
        DomainError::Playback(PlaybackRefusal::AccessRevoked)
    );

    let grant = validate(&domain, &codes[1].code).await.unwrap();
    switch_off(&domain, &owner, &event).await;
    assert_refused!(
        playback.refresh(&grant.playback_token).await,
        DomainError::Playback(PlaybackRefusal::AccessRevoked)
    );

    // A correctly signed token past its expiry is told apart from a bad one.
    let claims = domain
        .access_guard()
        .admit(&grant.playback_token, event.id)
        .map(|_| ())
        .err();
    assert_eq!(claims, Some(Denied::Revoked(Revoked::Event)));
    let now = time::now();
    let mut expired = PlaybackClaims::new(
        &codes[1].code,
        event.id,
        uuid::Uuid::new_v4(),
        now - Duration::hours(2),
        event.codes_expire_at(),
    );
    expired.exp = now.timestamp() - 5;
    let expired = domain.playback_config().keys.issue(&expired);
    assert_refused!(
        playback.refresh(&expired).await,
        DomainError::Playback(PlaybackRefusal::AccessExpired)
    );
    assert_refused!(
        playback.refresh("eyJhbGciOiJIUzI1NiJ9.e30.x").await,
        DomainError::Playback(PlaybackRefusal::InvalidToken)
    );
}

async fn validations_and_refreshes_are_rate_limited(store: Arc<dyn Store>) {
    let domain = domain(store);
    let (_, _, codes) = live_event(&domain, 1).await;
    let playback = domain.playback();
    // Five attempts a minute per address, whatever their outcome.
    for _ in 0..5 {
        assert_refused!(
            playback
                .validate("Zz9Zz9Zz9Zz9", ip("203.0.113.5"), BASE_URL.into())
                .await,
            DomainError::Playback(PlaybackRefusal::UnknownCode)
        );
    }
    let refused = playback
        .validate(&codes[0].code, ip("203.0.113.5"), BASE_URL.into())
        .await
        .unwrap_err();
    let DomainError::Playback(PlaybackRefusal::TooManyValidations { retry_after_secs }) = refused
    else {
        panic!("expected the rate limit: {refused:?}")
    };
    // One attempt comes back every 12 seconds.
    assert!((11..=12).contains(&retry_after_secs), "{retry_after_secs}");
    let grant = playback
        .validate(&codes[0].code, ip("203.0.113.6"), BASE_URL.into())
        .await
        .unwrap();

    // Twelve refreshes an hour per code.
    for _ in 0..12 {
        playback.refresh(&grant.playback_token).await.unwrap();
    }
    let refused = playback.refresh(&grant.playback_token).await.unwrap_err();
    let DomainError::Playback(PlaybackRefusal::TooManyRefreshes { retry_after_secs }) = refused
    else {
        panic!("expected the refresh limit: {refused:?}")
    };
    assert!(
        (299..=300).contains(&retry_after_secs),
        "{retry_after_secs}"
    );
}

async fn rate_limits_allow_a_burst_then_refill_steadily(store: Arc<dyn Store>) {
    let limit = RateLimit::per_minute(5);
    let now = time::now();
    for _ in 0..5 {
        assert_eq!(limit.hit(store.as_ref(), "k", now).await.unwrap(), None);
    }
    assert_eq!(limit.hit(store.as_ref(), "other", now).await.unwrap(), None);
    assert_eq!(limit.hit(store.as_ref(), "k", now).await.unwrap(), Some(12));
    // Refused attempts do not count: 12 seconds later exactly one more is allowed.
    let later = now + Duration::seconds(12);
    assert_eq!(limit.hit(store.as_ref(), "k", later).await.unwrap(), None);
    assert_eq!(
        limit.hit(store.as_ref(), "k", later).await.unwrap(),
        Some(12)
    );
    // A full minute later the whole burst is back, and the pruned key starts afresh.
    let much_later = later + Duration::seconds(60);
    assert_eq!(
        store
            .prune_rate_limits(much_later.timestamp_millis())
            .await
            .unwrap(),
        2
    );
    for _ in 0..5 {
        assert_eq!(
            limit.hit(store.as_ref(), "k", much_later).await.unwrap(),
            None
        );
    }
}

async fn a_timed_out_device_is_superseded_and_swept(store: Arc<dyn Store>) {
    let domain = impatient(store);
    let (_, event, codes) = live_event(&domain, 2).await;
    let first = validate(&domain, &codes[0].code).await.unwrap();
    assert_refused!(
        validate(&domain, &codes[0].code).await,
        DomainError::Playback(PlaybackRefusal::InUse)
    );
    let swept = validate(&domain, &codes[1].code).await.unwrap();
    let before = time::now();
    tokio::time::sleep(StdDuration::from_millis(1100)).await;

    // Without heartbeats the first device has timed out: another takes over.
    let second = validate(&domain, &codes[0].code).await.unwrap();
    let guard = domain.access_guard();
    assert_eq!(
        guard.admit(&first.playback_token, event.id),
        Err(Denied::Revoked(Revoked::Session))
    );
    assert!(guard.admit(&second.playback_token, event.id).is_ok());
    assert_refused!(
        domain.playback().heartbeat(&first.playback_token).await,
        DomainError::Playback(PlaybackRefusal::SessionNotFound)
    );

    // The sweeper ends the other silent session.
    assert_eq!(domain.playback().end_timed_out_sessions().await.unwrap(), 1);
    assert_eq!(
        guard.admit(&swept.playback_token, event.id),
        Err(Denied::Revoked(Revoked::Session))
    );
    let feed = domain.playback().revocation_feed(before).await.unwrap();
    let mut reasons: Vec<_> = feed.ended_sessions.iter().map(|s| s.reason).collect();
    reasons.sort_by_key(|reason| reason.as_str());
    assert_eq!(
        reasons,
        [SessionEndReason::Superseded, SessionEndReason::TimedOut]
    );
}

async fn the_feed_and_the_cache_follow_every_change(store: Arc<dyn Store>) {
    let domain = domain(store);
    let (owner, event, codes) = live_event(&domain, 3).await;
    let guard = domain.access_guard();
    let since = time::now() - Duration::seconds(60);
    let grants = [
        validate(&domain, &codes[0].code).await.unwrap(),
        validate(&domain, &codes[1].code).await.unwrap(),
    ];
    let admitted = |n: usize| guard.admit(&grants[n].playback_token, event.id);

    // Revoked: refused at once, in the feed; un-revoked: admitted again, listed as such.
    revoke(&domain, &owner, &codes[0]).await;
    assert_eq!(admitted(0), Err(Denied::Revoked(Revoked::Code)));
    assert!(admitted(1).is_ok());
    let feed = domain.playback().revocation_feed(since).await.unwrap();
    assert_eq!(feed.revocations.len(), 1);
    assert_eq!(feed.revocations[0].code, codes[0].code);
    domain
        .codes()
        .set_revoked(&owner, codes[0].id, false, None)
        .await
        .unwrap();
    assert!(admitted(0).is_ok());
    let feed = domain.playback().revocation_feed(since).await.unwrap();
    assert!(feed.revocations.is_empty());
    assert_eq!(feed.unrevocations[0].code, codes[0].code);

    // Bulk revocation.
    domain
        .codes()
        .bulk_revoke(&owner, &[codes[1].id, codes[2].id], None)
        .await
        .unwrap();
    assert_eq!(admitted(1), Err(Denied::Revoked(Revoked::Code)));
    let feed = domain.playback().revocation_feed(since).await.unwrap();
    assert_eq!(feed.revocations.len(), 2);

    // Deactivation lists the event's codes; reactivation forgives.
    switch_off(&domain, &owner, &event).await;
    assert_eq!(admitted(0), Err(Denied::Revoked(Revoked::Event)));
    let feed = domain.playback().revocation_feed(since).await.unwrap();
    assert_eq!(feed.event_deactivations.len(), 1);
    let mut listed = feed.event_deactivations[0].token_codes.clone();
    listed.sort();
    let mut expected: Vec<_> = codes.iter().map(|c| c.code.clone()).collect();
    expected.sort();
    assert_eq!(listed, expected);
    domain
        .events()
        .update(
            &owner,
            event.id,
            streamgate_domain::model::EventPatch {
                is_active: Some(true),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert!(admitted(0).is_ok());
    let feed = domain.playback().revocation_feed(since).await.unwrap();
    assert!(feed.event_deactivations.is_empty());
    assert_eq!(feed.event_reactivations[0].event_id, event.id);

    // Release, then deletion: final.
    domain
        .playback()
        .release(&grants[0].playback_token)
        .await
        .unwrap();
    assert_eq!(admitted(0), Err(Denied::Revoked(Revoked::Session)));
    domain
        .events()
        .delete(&owner, event.id, None, None)
        .await
        .unwrap();
    let feed = domain.playback().revocation_feed(since).await.unwrap();
    assert!(feed.event_deactivations[0].deleted);
    assert_eq!(feed.ended_sessions.len(), 1);
    assert_eq!(feed.ended_sessions[0].code, codes[0].code);

    // Old history is not repeated beyond the overlap.
    let feed = domain
        .playback()
        .revocation_feed(time::now() + Duration::seconds(60))
        .await
        .unwrap();
    assert!(feed.revocations.is_empty() && feed.ended_sessions.is_empty());
}

async fn another_instance_learns_changes_by_syncing(store: Arc<dyn Store>) {
    // Two app instances on one database share the playback key, not their caches.
    let config = || PlaybackConfig::new(PlaybackKeys::new(&[7; 32]));
    let here = domain(store.clone()).with_playback(config());
    let there = domain(store).with_playback(config());
    let (owner, event, codes) = live_event(&here, 1).await;
    let grant = validate(&here, &codes[0].code).await.unwrap();
    let since = time::now();
    here.codes()
        .set_revoked(&owner, codes[0].id, true, None)
        .await
        .unwrap();
    assert!(there
        .access_guard()
        .admit(&grant.playback_token, event.id)
        .is_ok());
    let next = there.playback().sync_revocations(since).await.unwrap();
    assert!(next >= since);
    assert_eq!(
        there.access_guard().admit(&grant.playback_token, event.id),
        Err(Denied::Revoked(Revoked::Code))
    );
    assert_eq!(there.access_guard().revocations().last_sync_ago(), Some(0));
}

async fn dashboard_counts_live_viewers(store: Arc<dyn Store>) {
    let domain = domain(store);
    let (owner, _, codes) = live_event(&domain, 3).await;
    let first = validate(&domain, &codes[0].code).await.unwrap();
    validate(&domain, &codes[1].code).await.unwrap();
    let stats = domain.events().dashboard(&owner).await.unwrap();
    assert_eq!((stats.active_viewers, stats.redeemed_codes), (2, 2));
    assert_eq!(domain.playback().live_sessions().await.unwrap(), 2);
    domain
        .playback()
        .release(&first.playback_token)
        .await
        .unwrap();
    let stats = domain.events().dashboard(&owner).await.unwrap();
    assert_eq!((stats.active_viewers, stats.redeemed_codes), (1, 2));
    // The operators' gauge counts every account's viewers.
    let other_event = event_at(&domain, &owner, -1, 3, 48).await;
    let other_codes = self::codes(&domain, &owner, &other_event, 1).await;
    validate(&domain, &other_codes[0].code).await.unwrap();
    assert_eq!(domain.playback().live_sessions().await.unwrap(), 2);
    // Another account sees none of them.
    let other = self::owner(&domain).await;
    assert_eq!(
        domain
            .events()
            .dashboard(&other)
            .await
            .unwrap()
            .active_viewers,
        0
    );
}

async fn event_status_follows_the_clock(store: Arc<dyn Store>) {
    let domain = domain(store);
    let owner = owner(&domain).await;
    let status = |event: Event| {
        let domain = domain.clone();
        async move {
            domain
                .playback()
                .event_status(event.id)
                .await
                .unwrap()
                .status
        }
    };
    assert_eq!(
        status(event_at(&domain, &owner, 1, 2, 48).await).await,
        EventStatus::NotStarted
    );
    assert_eq!(
        status(event_at(&domain, &owner, -1, 2, 48).await).await,
        EventStatus::Live
    );
    assert_eq!(
        status(event_at(&domain, &owner, -3, 2, 48).await).await,
        EventStatus::Recording
    );
    assert_eq!(
        status(event_at(&domain, &owner, -5, 2, 1).await).await,
        EventStatus::Ended
    );
    assert_refused!(
        domain.playback().event_status(uuid::Uuid::new_v4()).await,
        DomainError::NotFound { what: "Event" }
    );
}

streamgate_domain::on_both_backends!(
    validate_grants_a_token_and_the_first_redemption_is_kept,
    every_validation_refusal,
    one_hundred_parallel_validations_of_one_code_make_one_session,
    heartbeat_refresh_and_release,
    refresh_refusals,
    validations_and_refreshes_are_rate_limited,
    rate_limits_allow_a_burst_then_refill_steadily,
    a_timed_out_device_is_superseded_and_swept,
    the_feed_and_the_cache_follow_every_change,
    another_instance_learns_changes_by_syncing,
    dashboard_counts_live_viewers,
    event_status_follows_the_clock,
);
