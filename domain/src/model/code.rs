//! Access codes: the tickets viewers type in (seed 002 calls them tokens).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::{rfc3339_millis, rfc3339_millis_option};

/// Characters in a code: `A–Z a–z 0–9`, drawn uniformly (about 71 bits per code).
pub const CODE_LENGTH: usize = 12;

/// Codes per generation request (seed 002: "batch: 1–500").
pub const MAX_CODES_PER_BATCH: i64 = 500;

/// One access code, with the field names of seed 002's admin API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[serde(rename_all = "camelCase")]
pub struct AccessCode {
    pub id: Uuid,
    pub code: String,
    pub event_id: Uuid,
    pub label: Option<String>,
    pub is_revoked: bool,
    #[serde(with = "rfc3339_millis_option")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(with = "rfc3339_millis_option")]
    pub redeemed_at: Option<DateTime<Utc>>,
    pub redeemed_ip: Option<String>,
    /// The event's `endsAt` plus its `accessWindowHours`; follows the event when those change.
    #[serde(with = "rfc3339_millis")]
    pub expires_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
}

impl AccessCode {
    /// What the code is worth at `now`. Revocation wins over expiry, expiry over redemption.
    pub fn status(&self, now: DateTime<Utc>) -> CodeStatus {
        if self.is_revoked {
            CodeStatus::Revoked
        } else if self.expires_at <= now {
            CodeStatus::Expired
        } else if self.redeemed_at.is_some() {
            CodeStatus::Redeemed
        } else {
            CodeStatus::Unused
        }
    }
}

/// A code's state as the export and the filters name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CodeStatus {
    Unused,
    Redeemed,
    Revoked,
    Expired,
}

impl CodeStatus {
    pub const ALL: [CodeStatus; 4] = [
        CodeStatus::Unused,
        CodeStatus::Redeemed,
        CodeStatus::Revoked,
        CodeStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CodeStatus::Unused => "unused",
            CodeStatus::Redeemed => "redeemed",
            CodeStatus::Revoked => "revoked",
            CodeStatus::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<CodeStatus> {
        CodeStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

impl std::fmt::Display for CodeStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to mint codes for an event: `count` (1–500) sharing an optional `label`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCodes {
    pub count: i64,
    #[serde(default)]
    pub label: Option<String>,
}

/// Which codes to list. Without `event_id`, every event the caller may see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeQuery {
    pub event_id: Option<Uuid>,
    pub status: Option<CodeStatus>,
    /// Part of the code or the label, case-insensitive.
    pub search: Option<String>,
    pub page: PageRequest,
}

/// One page of a list: at most `limit` items after `cursor` (from a previous page's
/// `next_cursor`) or, without a cursor, after skipping `offset` items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub offset: u32,
    pub cursor: Option<String>,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 500;

    pub fn first(limit: u32) -> Self {
        Self {
            limit,
            offset: 0,
            cursor: None,
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::first(Self::DEFAULT_LIMIT)
    }
}

/// One page of items, how many match in all, and the cursor of the next page (`None` on the last).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
impl AccessCode {
    /// An unused code of the nil event, created 2025-03-01T12:00Z and expiring
    /// 2025-03-17T17:00Z, for unit tests.
    pub(crate) fn sample(label: Option<&str>) -> Self {
        use super::time;
        AccessCode {
            id: Uuid::nil(),
            code: "Ab3kF9mNx2Qp".into(),
            event_id: Uuid::nil(),
            label: label.map(String::from),
            is_revoked: false,
            revoked_at: None,
            redeemed_at: None,
            redeemed_ip: None,
            expires_at: time::parse("2025-03-17T17:00:00Z").unwrap(),
            created_at: time::parse("2025-03-01T12:00:00Z").unwrap(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time;

    fn code() -> AccessCode {
        AccessCode::sample(Some("VIP Guest 1"))
    }

    #[test]
    fn status_prefers_revoked_then_expired_then_redeemed() {
        let before = time::parse("2025-03-16T00:00:00Z").unwrap();
        let after = time::parse("2025-03-18T00:00:00Z").unwrap();
        let mut code = code();
        assert_eq!(code.status(before), CodeStatus::Unused);
        assert_eq!(code.status(after), CodeStatus::Expired);
        code.redeemed_at = Some(before);
        assert_eq!(code.status(before), CodeStatus::Redeemed);
        assert_eq!(code.status(after), CodeStatus::Expired);
        code.is_revoked = true;
        assert_eq!(code.status(before), CodeStatus::Revoked);
        assert_eq!(code.status(after), CodeStatus::Revoked);
        // Expiry is the exact instant: at `expiresAt` the code no longer works.
        code.is_revoked = false;
        assert_eq!(code.status(code.expires_at), CodeStatus::Expired);
    }

    #[test]
    fn serializes_with_seed_field_names() {
        let json = serde_json::to_value(code()).unwrap();
        assert_eq!(json["code"], "Ab3kF9mNx2Qp");
        assert_eq!(json["eventId"], "00000000-0000-0000-0000-000000000000");
        assert_eq!(json["isRevoked"], false);
        assert!(json["revokedAt"].is_null() && json["redeemedIp"].is_null());
        assert_eq!(json["expiresAt"], "2025-03-17T17:00:00.000Z");
        let back: AccessCode = serde_json::from_value(json).unwrap();
        assert_eq!(back, code());
    }

    #[test]
    fn status_names_round_trip() {
        for status in CodeStatus::ALL {
            assert_eq!(CodeStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(CodeStatus::parse("used"), None);
    }
}
