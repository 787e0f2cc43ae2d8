//! Watching: trading an access code for a playback token (one device per code), keeping the
//! session alive, refreshing and releasing it, the event's status, and the revocation feed.
//! No permissions here: viewers are anonymous; the code or the token is the credential.

use std::{collections::HashMap, net::IpAddr, time::Duration};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PlaybackClaims, PlaybackConfig, RevocationCache};
use crate::{
    model::{
        stream_path, time, AccessChange, AccessChangeKind, AccessCode, Event, EventStatusReport,
        PlaybackGrant, RefreshedToken, RevocationFeed, SessionEndReason, ViewerEvent,
        PLAYBACK_TOKEN_LIFETIME_SECS,
    },
    model::{QuotaMetric, Quotas},
    service::quotas_in_force,
    store::{ClaimOutcome, QuotaCheck, SessionClaim, Store},
    DomainError, PlaybackRefusal,
};

/// Codes are 12 characters; anything much longer cannot be one and is not looked up.
const MAX_CODE_CHARS: usize = 64;

/// The revocation feed repeats this much history before `since`: a change committed while the
/// previous poll was being answered (or stamped by an instance whose clock is a little behind)
/// is still delivered. Repeats are harmless: each entry is a state, not a toggle.
const FEED_OVERLAP: Duration = Duration::from_secs(10);

pub struct PlaybackService<'a> {
    pub(super) store: &'a dyn Store,
    pub(super) config: &'a PlaybackConfig,
    pub(super) revocations: &'a RevocationCache,
    /// The installation's default quotas (the viewer quota).
    pub(super) quotas: Quotas,
}

impl<'a> PlaybackService<'a> {
    pub(crate) fn new(
        store: &'a dyn Store,
        config: &'a PlaybackConfig,
        revocations: &'a RevocationCache,
        quotas: Quotas,
    ) -> Self {
        Self {
            store,
            config,
            revocations,
            quotas,
        }
    }

    /// Seed 002 `POST /api/tokens/validate`: a code in exchange for a playback token and the
    /// code's one live session. `client` is the viewer's address (rate limit, first redemption);
    /// `playback_base_url` is where the door says the HLS listener is.
    pub async fn validate(
        &self,
        code: &str,
        client: Option<IpAddr>,
        playback_base_url: String,
    ) -> Result<PlaybackGrant, DomainError> {
        let now = time::now();
        if let Some(ip) = client {
            let key = format!("validate:{ip}");
            if let Some(retry_after_secs) = self
                .config
                .validate_limit
                .hit(self.store, &key, now)
                .await?
            {
                tracing::info!(%ip, "validation rate limit reached");
                return Err(PlaybackRefusal::TooManyValidations { retry_after_secs }.into());
            }
        }
        let code = code.trim();
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(PlaybackRefusal::CodeMissing.into());
        }
        if code.len() > MAX_CODE_CHARS {
            return Err(PlaybackRefusal::UnknownCode.into());
        }
        let (found, event) = self
            .code_with_event(code)
            .await?
            .ok_or(PlaybackRefusal::UnknownCode)?;
        match Standing::of(&found, &event, now) {
            Standing::Good => {}
            Standing::Revoked => return Err(PlaybackRefusal::CodeRevoked.into()),
            Standing::EventOff => return Err(PlaybackRefusal::EventUnavailable.into()),
            Standing::Expired => return Err(PlaybackRefusal::CodeExpired.into()),
        }
        let session_id = self
            .open_session(Some(found.id), &event, client, now)
            .await?;
        let claims = PlaybackClaims::new(&found.code, event.id, session_id, now, found.expires_at);
        tracing::info!(event_id = %event.id, %session_id, "playback session started");
        Ok(PlaybackGrant {
            event: ViewerEvent::of(&event, now),
            event_id: event.id,
            playback_token: self.config.keys.issue(&claims),
            playback_base_url,
            stream_path: stream_path(event.id),
            expires_at: found.expires_at,
            token_expires_in: claims.lifetime(),
            tip_alerts: event.tip_alerts,
        })
    }

    /// Opens a session: the code's one live session, or (no code) a public event's, within the
    /// viewer quota of the event's account, checked in the same transaction. Every way of
    /// starting to watch comes here.
    pub(super) async fn open_session(
        &self,
        code_id: Option<Uuid>,
        event: &Event,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Uuid, DomainError> {
        let viewer_quota = match event.account_id {
            Some(account_id) => {
                let quotas = quotas_in_force(self.store, self.quotas, account_id).await?;
                let limit = quotas.limit(QuotaMetric::ConcurrentViewers);
                QuotaCheck::new(Some(account_id), limit)
            }
            None => None,
        };
        let session_id = Uuid::new_v4();
        let claim = SessionClaim {
            session_id,
            code_id,
            event_id: event.id,
            ip: client.map(|ip| ip.to_string()),
            now,
            live_since: self.config.live_since(now),
            viewer_quota,
        };
        match self.store.claim_session(&claim).await? {
            ClaimOutcome::InUse => Err(PlaybackRefusal::InUse.into()),
            ClaimOutcome::CodeRevoked => Err(PlaybackRefusal::CodeRevoked.into()),
            // Unpublished or switched off meanwhile.
            ClaimOutcome::NotPublic => Err(DomainError::NotFound { what: "Event" }),
            ClaimOutcome::OverQuota(exceeded) => {
                tracing::info!(event_id = %event.id, limit = exceeded.limit, "viewer quota reached");
                // Seed 002's viewers get its wording; the platform API its quota body.
                Err(match code_id {
                    Some(_) => PlaybackRefusal::ViewerLimitReached.into(),
                    None => DomainError::QuotaExceeded(exceeded),
                })
            }
            ClaimOutcome::Claimed { superseded } => {
                // The timed-out device's token stops working now, not only once it expires.
                self.revocations.apply(superseded.as_slice());
                Ok(session_id)
            }
        }
    }

    /// Seed 002 `POST /api/playback/refresh`: a fresh token for a live session whose code still
    /// works. Counts as a heartbeat.
    pub async fn refresh(&self, token: &str) -> Result<RefreshedToken, DomainError> {
        let now = time::now();
        let claims = self
            .config
            .keys
            .verify_signature(token)
            .ok_or(PlaybackRefusal::InvalidToken)?;
        if claims.exp <= now.timestamp() {
            return Err(PlaybackRefusal::AccessExpired.into());
        }
        if claims.is_public() {
            return self.refresh_public(&claims, now).await;
        }
        let key = format!("refresh:{}", claims.sub);
        if let Some(retry_after_secs) = self.config.refresh_limit.hit(self.store, &key, now).await?
        {
            return Err(PlaybackRefusal::TooManyRefreshes { retry_after_secs }.into());
        }
        // A code that is gone went with its event: that access was taken away.
        let (code, event) = self
            .code_with_event(&claims.sub)
            .await?
            .filter(|(code, _)| code.event_id == claims.eid)
            .ok_or(PlaybackRefusal::AccessRevoked)?;
        match Standing::of(&code, &event, now) {
            Standing::Good => {}
            Standing::Revoked | Standing::EventOff => {
                return Err(PlaybackRefusal::AccessRevoked.into())
            }
            Standing::Expired => return Err(PlaybackRefusal::AccessExpired.into()),
        }
        self.keep_alive(claims.sid, now).await?;
        let claims = PlaybackClaims::new(&code.code, event.id, claims.sid, now, code.expires_at);
        Ok(RefreshedToken {
            playback_token: self.config.keys.issue(&claims),
            token_expires_in: claims.lifetime(),
        })
    }

    /// Seed 002 `POST /api/playback/heartbeat`: the session is still watching.
    pub async fn heartbeat(&self, token: &str) -> Result<(), DomainError> {
        let claims = self
            .config
            .keys
            .verify(token)
            .ok_or(PlaybackRefusal::InvalidToken)?;
        self.keep_alive(claims.sid, time::now()).await
    }

    /// Records a heartbeat of the session at `now`; refused when it has ended or timed out.
    pub(super) async fn keep_alive(
        &self,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let live_since = self.config.live_since(now);
        if self
            .store
            .touch_session(session_id, now, live_since)
            .await?
        {
            Ok(())
        } else {
            Err(PlaybackRefusal::SessionNotFound.into())
        }
    }

    /// Seed 002 `POST /api/playback/release`: the device lets go of the code. Idempotent; an
    /// expired token may still release its session (the signature proves it held it).
    pub async fn release(&self, token: &str) -> Result<(), DomainError> {
        let claims = self
            .config
            .keys
            .verify_signature(token)
            .ok_or(PlaybackRefusal::InvalidToken)?;
        if let Some(change) = self
            .store
            .end_session(claims.sid, SessionEndReason::Released, time::now())
            .await?
        {
            self.revocations.apply(&[change]);
            tracing::info!(session_id = %claims.sid, "playback session released");
        }
        Ok(())
    }

    /// Seed 002 `GET /api/events/:id/status`.
    pub async fn event_status(&self, event_id: Uuid) -> Result<EventStatusReport, DomainError> {
        let event = self
            .store
            .find_event(event_id)
            .await?
            .ok_or(DomainError::NotFound { what: "Event" })?;
        Ok(EventStatusReport {
            event_id,
            status: crate::model::EventStatus::of(&event, time::now()),
            starts_at: event.starts_at,
            ends_at: event.ends_at,
        })
    }

    /// The upstream origin of an event's stream (its `streamUrl`), for the HLS listener.
    pub async fn stream_url(&self, event_id: Uuid) -> Result<Option<String>, DomainError> {
        Ok(self
            .store
            .find_event(event_id)
            .await?
            .and_then(|event| event.stream_url))
    }

    /// Ends the sessions whose heartbeat stopped, so their tokens stop working at the HLS
    /// listener (here and, through the feed, on edges). Returns how many ended.
    pub async fn end_timed_out_sessions(&self) -> Result<usize, DomainError> {
        let now = time::now();
        let changes = self
            .store
            .end_timed_out_sessions(self.config.live_since(now), now)
            .await?;
        self.revocations.apply(&changes);
        Ok(changes.len())
    }

    /// How many viewers are watching now: open sessions whose heartbeat has not timed out.
    pub async fn live_sessions(&self) -> Result<u64, DomainError> {
        let live_since = self.config.live_since(time::now());
        Ok(self.store.count_live_sessions(live_since).await?)
    }

    /// Seed 002 `GET /api/revocations?since=`: what changed after `since` (with
    /// [`FEED_OVERLAP`] of history repeated), each code and event in its latest state.
    pub async fn revocation_feed(
        &self,
        since: DateTime<Utc>,
    ) -> Result<RevocationFeed, DomainError> {
        let server_time = time::now();
        let changes = self.changes_since(since).await?;
        let deactivated: Vec<Uuid> = changes
            .iter()
            .filter(|change| change.kind == AccessChangeKind::EventDeactivated)
            .map(|change| change.event_id)
            .collect();
        let mut codes_of: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (event_id, code) in self.store.codes_of_events(&deactivated).await? {
            codes_of.entry(event_id).or_default().push(code);
        }
        Ok(RevocationFeed::from_changes(
            &changes,
            &codes_of,
            server_time,
        ))
    }

    /// Brings the revocation cache up to date with the database (changes made by other app
    /// instances) from `since`; returns the time to pass as `since` next.
    pub async fn sync_revocations(
        &self,
        since: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, DomainError> {
        let next = time::now();
        let changes = self.changes_since(since).await?;
        self.revocations.apply(&changes);
        self.revocations.prune(next);
        self.revocations.mark_synced();
        Ok(next)
    }

    /// The start of the history that can still matter: changes before it only concern tokens
    /// that have all expired.
    pub fn history_start(now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Duration::seconds(PLAYBACK_TOKEN_LIFETIME_SECS)
    }

    /// Drops access changes and rate-limit state that no longer matter; returns how many rows.
    pub async fn prune(&self) -> Result<u64, DomainError> {
        let now = time::now();
        // Twice the token lifetime: an edge polling after a long outage still gets the last hour.
        let horizon = Self::history_start(Self::history_start(now));
        let changes = self.store.prune_access_changes(horizon).await?;
        let limits = self.store.prune_rate_limits(now.timestamp_millis()).await?;
        Ok(changes + limits)
    }

    /// The code `code` (exact) with its event.
    async fn code_with_event(
        &self,
        code: &str,
    ) -> Result<Option<(AccessCode, Event)>, DomainError> {
        let Some(found) = self.store.find_code_by_code(code).await? else {
            return Ok(None);
        };
        Ok(self
            .store
            .find_event(found.event_id)
            .await?
            .map(|event| (found, event)))
    }

    async fn changes_since(&self, since: DateTime<Utc>) -> Result<Vec<AccessChange>, DomainError> {
        let overlap = chrono::Duration::from_std(FEED_OVERLAP).expect("small duration");
        Ok(self.store.access_changes_since(since - overlap).await?)
    }
}

/// Whether a code still opens its event, and if not, why (in the order viewers are told).
enum Standing {
    Good,
    Revoked,
    EventOff,
    Expired,
}

impl Standing {
    fn of(code: &AccessCode, event: &Event, now: DateTime<Utc>) -> Self {
        if code.is_revoked {
            Standing::Revoked
        } else if !event.is_active {
            Standing::EventOff
        } else if code.expires_at <= now {
            Standing::Expired
        } else {
            Standing::Good
        }
    }
}
