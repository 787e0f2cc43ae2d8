//! A ticketed live stream: what viewers get access to with a code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::rfc3339_millis;

/// How long after `endsAt` access codes keep working when the organizer does not say.
pub const DEFAULT_ACCESS_WINDOW_HOURS: i32 = 48;

/// An event, with the field names of seed 002's admin API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis")]
    pub updated_at: DateTime<Utc>,
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
            created_at: at,
            updated_at: at,
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["startsAt"], "2025-03-15T09:00:00.000Z");
        assert_eq!(json["accessWindowHours"], 48);
        assert_eq!(json["isArchived"], false);
        assert!(json.get("streamUrl").unwrap().is_null());
        assert_eq!(json["accountId"], "00000000-0000-0000-0000-000000000000");
    }
}
