//! Watching: what a viewer gets for a valid access code (seed 002's public API), and where an
//! event stands in time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{time::rfc3339_millis, Event};

/// How long a playback token lives (seed 002: `tokenExpiresIn` 3600), unless the code expires
/// sooner. Every revocation-feed entry matters for this long at most: no new token is issued
/// for a revoked code, a deactivated event or an ended session, so the old ones are dead by then.
pub const PLAYBACK_TOKEN_LIFETIME_SECS: i64 = 3600;

/// The subject (`sub`) of a public session's playback token, which has no code. Codes are
/// letters and digits only, so no code is ever this.
pub const PUBLIC_SUBJECT: &str = "@public";

/// The playlist a player opens first, under the stream path (seed 002's `stream.m3u8`). For an
/// upstream origin it stands for the event's `streamUrl`.
pub const ENTRY_PLAYLIST: &str = "stream.m3u8";

/// Where an event stands at a moment (seed 002's `status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EventStatus {
    /// Before `startsAt`: viewers wait on the countdown.
    NotStarted,
    /// Between `startsAt` and `endsAt`.
    Live,
    /// After `endsAt`, while codes still work (the access window): the recording plays.
    Recording,
    /// After `endsAt` plus the access window.
    Ended,
}

impl EventStatus {
    pub fn of(event: &Event, now: DateTime<Utc>) -> EventStatus {
        if now < event.starts_at {
            EventStatus::NotStarted
        } else if now < event.ends_at {
            EventStatus::Live
        } else if now < event.codes_expire_at() {
            EventStatus::Recording
        } else {
            EventStatus::Ended
        }
    }
}

/// Seed 002 `GET /api/events/:id/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventStatusReport {
    pub event_id: Uuid,
    pub status: EventStatus,
    #[serde(with = "rfc3339_millis")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis")]
    pub ends_at: DateTime<Utc>,
}

/// The event as a viewer sees it (seed 002's `event` in the validate answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ViewerEvent {
    pub title: String,
    pub description: Option<String>,
    #[serde(with = "rfc3339_millis")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis")]
    pub ends_at: DateTime<Utc>,
    pub poster_url: Option<String>,
    pub is_live: bool,
}

impl ViewerEvent {
    pub fn of(event: &Event, now: DateTime<Utc>) -> Self {
        ViewerEvent {
            title: event.title.clone(),
            description: event.description.clone(),
            starts_at: event.starts_at,
            ends_at: event.ends_at,
            poster_url: event.poster_url.clone(),
            is_live: EventStatus::of(event, now) == EventStatus::Live,
        }
    }
}

/// Seed 002's answer to `POST /api/tokens/validate`. `playbackBaseUrl` depends on how the
/// request reached the server, so the door fills it in; `eventId` is ours (the waiting screen
/// polls the event's status with it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlaybackGrant {
    pub event: ViewerEvent,
    pub event_id: Uuid,
    pub playback_token: String,
    pub playback_base_url: String,
    /// `/streams/{eventId}/`: every file of the stream lives under it.
    pub stream_path: String,
    /// When the access code stops working.
    #[serde(with = "rfc3339_millis")]
    pub expires_at: DateTime<Utc>,
    /// Seconds until `playbackToken` expires.
    pub token_expires_in: i64,
    /// Ours: the player shows StreamElements tips (`GET /api/events/:id/tips`).
    pub tip_alerts: bool,
}

/// `GET /api/v1/events/:id/play-token`'s data: a public event's playback token, for a session
/// without a code. `playbackBaseUrl` is filled in by the door, as for a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicPlayback {
    pub playback_token: String,
    pub playback_base_url: String,
    pub stream_path: String,
    pub token_expires_in: i64,
    pub event: ViewerEvent,
    /// The player shows StreamElements tips (`GET /api/events/:id/tips`).
    pub tip_alerts: bool,
}

impl PublicPlayback {
    /// The same as a code's grant, for the pages that play both. There is no code to expire:
    /// access ends when the event stops playing publicly, which the token's refresh tells.
    pub fn into_grant(self, event_id: Uuid) -> PlaybackGrant {
        PlaybackGrant {
            event: self.event,
            event_id,
            playback_token: self.playback_token,
            playback_base_url: self.playback_base_url,
            stream_path: self.stream_path,
            expires_at: DateTime::<Utc>::MAX_UTC,
            token_expires_in: self.token_expires_in,
            tip_alerts: self.tip_alerts,
        }
    }
}

/// Seed 002's answer to `POST /api/playback/refresh`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefreshedToken {
    pub playback_token: String,
    pub token_expires_in: i64,
}

/// The stream path of an event: the prefix every one of its files is served under.
pub fn stream_path(event_id: Uuid) -> String {
    format!("/streams/{event_id}/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time;

    fn event() -> Event {
        let at = |text| time::parse(text).unwrap();
        Event {
            id: Uuid::nil(),
            account_id: None,
            title: "T".into(),
            description: None,
            stream_url: None,
            poster_url: None,
            starts_at: at("2025-03-15T09:00:00Z"),
            ends_at: at("2025-03-15T17:00:00Z"),
            access_window_hours: 48,
            is_active: true,
            is_archived: false,
            public_playback: false,
            tip_alerts: false,
            created_at: at("2025-03-01T00:00:00Z"),
            updated_at: at("2025-03-01T00:00:00Z"),
        }
    }

    #[test]
    fn status_follows_the_clock_with_seed_names() {
        let at = |text| time::parse(text).unwrap();
        let event = event();
        let status = |text| serde_json::to_value(EventStatus::of(&event, at(text))).unwrap();
        assert_eq!(status("2025-03-15T08:59:59.999Z"), "not-started");
        assert_eq!(status("2025-03-15T09:00:00Z"), "live");
        assert_eq!(status("2025-03-15T17:00:00Z"), "recording");
        assert_eq!(status("2025-03-17T16:59:59Z"), "recording");
        assert_eq!(status("2025-03-17T17:00:00Z"), "ended");
    }

    #[test]
    fn grant_serializes_with_seed_field_names() {
        let event = event();
        let grant = PlaybackGrant {
            event: ViewerEvent::of(&event, event.starts_at),
            event_id: event.id,
            playback_token: "jwt".into(),
            playback_base_url: "http://localhost:4000".into(),
            stream_path: stream_path(event.id),
            expires_at: event.codes_expire_at(),
            token_expires_in: 3600,
            tip_alerts: false,
        };
        let json = serde_json::to_value(grant).unwrap();
        assert_eq!(json["event"]["isLive"], true);
        assert_eq!(json["event"]["startsAt"], "2025-03-15T09:00:00.000Z");
        assert!(json["event"]["posterUrl"].is_null());
        assert_eq!(
            json["streamPath"],
            "/streams/00000000-0000-0000-0000-000000000000/"
        );
        assert_eq!(json["expiresAt"], "2025-03-17T17:00:00.000Z");
        assert_eq!(json["tokenExpiresIn"], 3600);
        assert_eq!(json["playbackBaseUrl"], "http://localhost:4000");
    }
}
