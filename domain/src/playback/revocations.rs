//! What the HLS listener must refuse although the token's signature is fine: revoked codes,
//! deactivated or deleted events, ended sessions. Kept in memory so that checking a segment
//! request costs a few hash lookups; fed by the app's own changes at once, and by polling the
//! database (another app instance's changes) or the platform's revocation feed (an edge).

use std::{
    collections::HashMap,
    sync::{Mutex, RwLock},
    time::Instant,
};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::model::{AccessChange, AccessChangeKind, PLAYBACK_TOKEN_LIFETIME_SECS};

/// The latest known state of one code or event, and when it was reached. Later changes win,
/// whatever order they arrive in (the app's own changes and a poll of the database can cross).
#[derive(Clone, Copy, Debug)]
struct Mark {
    blocked: bool,
    at: DateTime<Utc>,
}

#[derive(Default)]
struct Marks {
    codes: HashMap<String, Mark>,
    events: HashMap<Uuid, Mark>,
    sessions: HashMap<Uuid, DateTime<Utc>>,
}

/// Records `blocked` for `key` unless a later change is already known.
fn mark<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, Mark>,
    key: K,
    blocked: bool,
    at: DateTime<Utc>,
) {
    if map.get(&key).is_none_or(|old| old.at <= at) {
        map.insert(key, Mark { blocked, at });
    }
}

/// The revocation cache. Bounded: an entry is dropped once every token issued before its
/// change has expired (no token is issued for a revoked code, a switched-off event or an ended
/// session, so none can need it after that).
#[derive(Default)]
pub struct RevocationCache {
    marks: RwLock<Marks>,
    synced_at: Mutex<Option<Instant>>,
}

/// Why the cache refuses a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoked {
    Code,
    Event,
    Session,
}

impl RevocationCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies changes; for each code and event the latest change counts.
    pub fn apply(&self, changes: &[AccessChange]) {
        if changes.is_empty() {
            return;
        }
        let mut marks = self.marks.write().expect("revocation cache poisoned");
        for change in changes {
            let at = change.at;
            match &change.kind {
                AccessChangeKind::CodeRevoked { code } => {
                    mark(&mut marks.codes, code.clone(), true, at)
                }
                AccessChangeKind::CodeRestored { code } => {
                    mark(&mut marks.codes, code.clone(), false, at)
                }
                AccessChangeKind::EventDeactivated | AccessChangeKind::EventDeleted => {
                    mark(&mut marks.events, change.event_id, true, at)
                }
                // A deletion comes last (the event is gone), so no reactivation overrides it.
                AccessChangeKind::EventReactivated => {
                    mark(&mut marks.events, change.event_id, false, at)
                }
                AccessChangeKind::SessionEnded { session_id, .. } => {
                    marks.sessions.entry(*session_id).or_insert(at);
                }
            }
        }
    }

    /// Why a token for `code`, `event_id` and `session_id` no longer opens anything, if so.
    pub fn check(&self, code: &str, event_id: Uuid, session_id: Uuid) -> Result<(), Revoked> {
        let marks = self.marks.read().expect("revocation cache poisoned");
        if marks.sessions.contains_key(&session_id) {
            return Err(Revoked::Session);
        }
        if marks.codes.get(code).is_some_and(|mark| mark.blocked) {
            return Err(Revoked::Code);
        }
        if marks.events.get(&event_id).is_some_and(|mark| mark.blocked) {
            return Err(Revoked::Event);
        }
        Ok(())
    }

    /// Forgets what no longer matters at `now`.
    pub fn prune(&self, now: DateTime<Utc>) {
        let horizon = now - Duration::seconds(PLAYBACK_TOKEN_LIFETIME_SECS);
        let mut marks = self.marks.write().expect("revocation cache poisoned");
        marks.codes.retain(|_, mark| mark.at > horizon);
        marks.events.retain(|_, mark| mark.at > horizon);
        marks.sessions.retain(|_, at| *at > horizon);
    }

    /// How many codes, events and sessions are refused now (`/health`'s `revocationCacheSize`).
    pub fn len(&self) -> usize {
        let marks = self.marks.read().expect("revocation cache poisoned");
        marks.codes.values().filter(|mark| mark.blocked).count()
            + marks.events.values().filter(|mark| mark.blocked).count()
            + marks.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records a successful sync with the source of truth.
    pub fn mark_synced(&self) {
        *self.synced_at.lock().expect("sync time poisoned") = Some(Instant::now());
    }

    /// Seconds since the last successful sync; `None` before the first.
    pub fn last_sync_ago(&self) -> Option<u64> {
        self.synced_at
            .lock()
            .expect("sync time poisoned")
            .map(|at| at.elapsed().as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{time, SessionEndReason};

    fn change(seconds: i64, event_id: Uuid, kind: AccessChangeKind) -> AccessChange {
        AccessChange {
            at: time::parse("2025-03-15T10:00:00Z").unwrap() + Duration::seconds(seconds),
            event_id,
            kind,
        }
    }

    fn revoked(code: &str) -> AccessChangeKind {
        AccessChangeKind::CodeRevoked { code: code.into() }
    }

    fn restored(code: &str) -> AccessChangeKind {
        AccessChangeKind::CodeRestored { code: code.into() }
    }

    #[test]
    fn refuses_revoked_codes_switched_off_events_and_ended_sessions() {
        let cache = RevocationCache::new();
        let (event, other_event, session) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(cache.check("AAAA", event, session), Ok(()));
        cache.apply(&[change(1, event, revoked("AAAA"))]);
        assert_eq!(cache.check("AAAA", event, session), Err(Revoked::Code));
        assert_eq!(cache.check("BBBB", event, session), Ok(()));
        cache.apply(&[change(2, other_event, AccessChangeKind::EventDeactivated)]);
        assert_eq!(
            cache.check("BBBB", other_event, session),
            Err(Revoked::Event)
        );
        cache.apply(&[change(
            3,
            event,
            AccessChangeKind::SessionEnded {
                session_id: session,
                code: "BBBB".into(),
                reason: SessionEndReason::Released,
            },
        )]);
        assert_eq!(cache.check("BBBB", event, session), Err(Revoked::Session));
        assert_eq!(cache.check("BBBB", event, Uuid::new_v4()), Ok(()));
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn forgives_and_the_latest_change_wins_in_any_order() {
        let cache = RevocationCache::new();
        let event = Uuid::new_v4();
        let session = Uuid::new_v4();
        cache.apply(&[
            change(1, event, revoked("AAAA")),
            change(2, event, restored("AAAA")),
        ]);
        assert_eq!(cache.check("AAAA", event, session), Ok(()));
        // A poll that read the database before the restore brings the revocation again.
        cache.apply(&[change(1, event, revoked("AAAA"))]);
        assert_eq!(cache.check("AAAA", event, session), Ok(()));
        cache.apply(&[change(3, event, AccessChangeKind::EventDeactivated)]);
        cache.apply(&[change(4, event, AccessChangeKind::EventReactivated)]);
        assert_eq!(cache.check("AAAA", event, session), Ok(()));
        cache.apply(&[change(5, event, AccessChangeKind::EventDeleted)]);
        cache.apply(&[change(4, event, AccessChangeKind::EventReactivated)]);
        assert_eq!(cache.check("AAAA", event, session), Err(Revoked::Event));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn entries_are_dropped_once_every_earlier_token_has_expired() {
        let cache = RevocationCache::new();
        let event = Uuid::new_v4();
        let first = change(0, event, revoked("AAAA"));
        cache.apply(&[first.clone(), change(600, event, revoked("BBBB"))]);
        cache.prune(first.at + Duration::seconds(PLAYBACK_TOKEN_LIFETIME_SECS - 1));
        assert_eq!(cache.len(), 2);
        cache.prune(first.at + Duration::seconds(PLAYBACK_TOKEN_LIFETIME_SECS));
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.check("AAAA", event, Uuid::new_v4()), Ok(()));
        assert_eq!(
            cache.check("BBBB", event, Uuid::new_v4()),
            Err(Revoked::Code)
        );
    }

    #[test]
    fn sync_time_is_unknown_until_the_first_sync() {
        let cache = RevocationCache::new();
        assert_eq!(cache.last_sync_ago(), None);
        cache.mark_synced();
        assert_eq!(cache.last_sync_ago(), Some(0));
    }
}
