//! A ticketed live stream: what viewers get access to with a code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::rfc3339_millis;

/// How long after `endsAt` access codes keep working when the organizer does not say.
pub const DEFAULT_ACCESS_WINDOW_HOURS: i32 = 48;
/// The shortest access window an organizer may set, in hours.
pub const MIN_ACCESS_WINDOW_HOURS: i32 = 1;
/// The longest access window an organizer may set, in hours (a week).
pub const MAX_ACCESS_WINDOW_HOURS: i32 = 168;

/// An event, with the field names of seed 002's admin API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: Uuid,
    /// The organizer's account; `None` only for events made before accounts existed.
    pub account_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    /// Upstream HLS origin for this event, when it is not encoded locally.
    pub stream_url: Option<String>,
    pub poster_url: Option<String>,
    #[serde(with = "rfc3339_millis")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis")]
    pub ends_at: DateTime<Utc>,
    /// Hours after `endsAt` during which codes still work (replays, late viewers).
    pub access_window_hours: i32,
    pub is_active: bool,
    pub is_archived: bool,
    /// Anyone may watch without a code (`GET /api/v1/events/:id/play-token`).
    #[serde(default)]
    pub public_playback: bool,
    /// Viewers of the live event see each StreamElements tip over the player.
    #[serde(default)]
    pub tip_alerts: bool,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis")]
    pub updated_at: DateTime<Utc>,
}

impl Event {
    /// When this event's access codes stop working: `endsAt` plus the access window.
    pub fn codes_expire_at(&self) -> DateTime<Utc> {
        self.ends_at + chrono::Duration::hours(i64::from(self.access_window_hours))
    }
}

/// What an organizer supplies to create an event; the service validates it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEvent {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub stream_url: Option<String>,
    #[serde(default)]
    pub poster_url: Option<String>,
    #[serde(with = "rfc3339_millis")]
    pub starts_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis")]
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub access_window_hours: Option<i32>,
    #[serde(default)]
    pub public_playback: bool,
    #[serde(default)]
    pub tip_alerts: bool,
}

/// A partial update (seed 002 `PUT /api/admin/events/:id`): absent fields keep their value;
/// `null` clears the optional ones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub stream_url: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub poster_url: Option<Option<String>>,
    #[serde(
        default,
        with = "super::time::rfc3339_millis_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        with = "super::time::rfc3339_millis_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_window_hours: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_archived: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_playback: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_alerts: Option<bool>,
}

/// A field that is present, `null` or not: `Some(None)` for `null`, absent stays `None`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// An event in a list, with how many codes it has (seed 002's `_count.tokens`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EventSummary {
    #[serde(flatten)]
    pub event: Event,
    #[serde(rename = "_count")]
    pub count: EventCounts,
}

/// In the domain these are access codes; the wire keeps seed 002's name, `tokens`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EventCounts {
    #[serde(rename = "tokens")]
    pub codes: i64,
}

/// Which events to list: all by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Part of the title, case-insensitive.
    pub search: Option<String>,
    pub is_active: Option<bool>,
    pub is_archived: Option<bool>,
    pub page: super::PageRequest,
}

/// Seed 002 `GET /api/admin/dashboard`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DashboardStats {
    pub total_events: i64,
    /// Active and not archived.
    pub active_events: i64,
    /// Access codes; the wire keeps seed 002's `totalTokens` and `redeemedTokens`.
    #[serde(rename = "totalTokens")]
    pub total_codes: i64,
    #[serde(rename = "redeemedTokens")]
    pub redeemed_codes: i64,
    /// Viewers with a live playback session now.
    pub active_viewers: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_serializes_with_seed_field_names_and_millisecond_times() {
        let at = crate::model::time::parse("2025-03-15T09:00:00Z").unwrap();
        let event = Event {
            id: Uuid::nil(),
            account_id: Some(Uuid::nil()),
            title: "Annual Conference 2025".into(),
            description: None,
            stream_url: None,
            poster_url: None,
            starts_at: at,
            ends_at: at,
            access_window_hours: 48,
            is_active: true,
            is_archived: false,
            public_playback: false,
            tip_alerts: false,
            created_at: at,
            updated_at: at,
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["startsAt"], "2025-03-15T09:00:00.000Z");
        assert_eq!(json["accessWindowHours"], 48);
        assert_eq!(json["isArchived"], false);
        assert_eq!(json["publicPlayback"], false);
        assert!(json.get("streamUrl").unwrap().is_null());
        assert_eq!(json["accountId"], "00000000-0000-0000-0000-000000000000");

        let summary = EventSummary {
            event,
            count: EventCounts { codes: 100 },
        };
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["_count"]["tokens"], 100);
        assert_eq!(json["title"], "Annual Conference 2025");
    }

    #[test]
    fn patch_tells_absent_from_null() {
        let patch: EventPatch =
            serde_json::from_str(r#"{"title":"Updated Title","posterUrl":null}"#).unwrap();
        assert_eq!(patch.title.as_deref(), Some("Updated Title"));
        assert_eq!(patch.poster_url, Some(None));
        assert_eq!(patch.description, None);
        assert_eq!(patch.ends_at, None);
        let patch: EventPatch =
            serde_json::from_str(r#"{"endsAt":"2025-03-15T18:00:00+01:00"}"#).unwrap();
        assert_eq!(
            patch.ends_at,
            crate::model::time::parse("2025-03-15T17:00:00Z")
        );
        assert!(serde_json::from_str::<EventPatch>(r#"{"endsAt":"tomorrow"}"#).is_err());
    }
}
