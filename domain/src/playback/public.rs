//! Public events: anyone may watch them without a code. Each play token opens a session of its
//! own through the same claim as a code's (so account limits on live sessions count it), and
//! heartbeats, refreshes and releases like one; the token's subject is [`PUBLIC_SUBJECT`].

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PlaybackClaims, PlaybackService};
use crate::{
    model::{
        stream_path, time, Event, PublicPlayback, RefreshedToken, ViewerEvent, PUBLIC_SUBJECT,
    },
    DomainError, PlaybackRefusal,
};

/// Unknown, not public, switched off and out of its window all read alike: nothing to watch.
const NOT_FOUND: DomainError = DomainError::NotFound { what: "Event" };

/// Whether `event` plays without a code at `now`: public, active, and before its access window
/// closes (the span a code works in; before the start the viewer waits on the countdown).
fn plays_publicly(event: &Event, now: DateTime<Utc>) -> bool {
    event.public_playback && event.is_active && now < event.codes_expire_at()
}

impl PlaybackService<'_> {
    /// `GET /api/v1/events/:id/play-token`: a playback token and a new session for a public
    /// event. `client` is the viewer's address (rate limit); `playback_base_url` is where the
    /// door says the HLS listener is.
    pub async fn play_public(
        &self,
        event_id: Uuid,
        client: Option<IpAddr>,
        playback_base_url: String,
    ) -> Result<PublicPlayback, DomainError> {
        let now = time::now();
        if let Some(ip) = client {
            let key = format!("play-token:{ip}");
            let limit = &self.config.play_token_limit;
            if let Some(retry_after_secs) = limit.hit(self.store, &key, now).await? {
                tracing::info!(%ip, "play-token rate limit reached");
                return Err(PlaybackRefusal::TooManyValidations { retry_after_secs }.into());
            }
        }
        let event = self
            .store
            .find_event(event_id)
            .await?
            .filter(|event| plays_publicly(event, now))
            .ok_or(NOT_FOUND)?;
        let session_id = self.open_session(None, &event, client, now).await?;
        let claims = public_claims(&event, session_id, now);
        tracing::info!(%event_id, %session_id, "public playback session started");
        Ok(PublicPlayback {
            playback_token: self.config.keys.issue(&claims),
            playback_base_url,
            stream_path: stream_path(event_id),
            token_expires_in: claims.lifetime(),
            event: ViewerEvent::of(&event, now),
            tip_alerts: event.tip_alerts,
        })
    }

    /// A fresh token for a live public session while its event still plays publicly. Limited
    /// per session, as a code's refreshes are per code.
    pub(super) async fn refresh_public(
        &self,
        claims: &PlaybackClaims,
        now: DateTime<Utc>,
    ) -> Result<RefreshedToken, DomainError> {
        let key = format!("refresh:{}", claims.sid);
        if let Some(retry_after_secs) = self.config.refresh_limit.hit(self.store, &key, now).await?
        {
            return Err(PlaybackRefusal::TooManyRefreshes { retry_after_secs }.into());
        }
        let event = self
            .store
            .find_event(claims.eid)
            .await?
            .filter(|event| event.public_playback && event.is_active)
            .ok_or(PlaybackRefusal::AccessRevoked)?;
        if now >= event.codes_expire_at() {
            return Err(PlaybackRefusal::AccessExpired.into());
        }
        self.keep_alive(claims.sid, now).await?;
        let claims = public_claims(&event, claims.sid, now);
        Ok(RefreshedToken {
            playback_token: self.config.keys.issue(&claims),
            token_expires_in: claims.lifetime(),
        })
    }
}

/// A public session's claims: no code, and never past the event's access window.
fn public_claims(event: &Event, session_id: Uuid, now: DateTime<Utc>) -> PlaybackClaims {
    PlaybackClaims::new(
        PUBLIC_SUBJECT,
        event.id,
        session_id,
        now,
        event.codes_expire_at(),
    )
}
