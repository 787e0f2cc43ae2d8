//! StreamElements (seed 000): the SE JWTs an account stores, one per platform, and the tips
//! their worker receives. A token itself is never shown; lists carry its hint.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::rfc3339_millis;

/// The platforms StreamElements serves, as seed 000 spells them.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SePlatform {
    Twitch,
    Youtube,
    Kick,
    Trovo,
}

impl SePlatform {
    pub const ALL: [SePlatform; 4] = [
        SePlatform::Twitch,
        SePlatform::Youtube,
        SePlatform::Kick,
        SePlatform::Trovo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SePlatform::Twitch => "twitch",
            SePlatform::Youtube => "youtube",
            SePlatform::Kick => "kick",
            SePlatform::Trovo => "trovo",
        }
    }

    pub fn parse(text: &str) -> Option<SePlatform> {
        SePlatform::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The platform a caller named in `platform`, or the 400 saying which ones there are.
    pub fn from_field(text: &str) -> Result<SePlatform, crate::DomainError> {
        SePlatform::parse(text.trim()).ok_or_else(|| {
            crate::DomainError::validation(
                "platform",
                "platform must be one of: twitch, youtube, kick, trovo",
            )
        })
    }
}

impl std::fmt::Display for SePlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The worker's view of one token.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeTokenStatus {
    /// Stored; the worker has not (yet, or again) confirmed the subscription.
    Connecting,
    /// StreamElements confirmed the `channel.tips` subscription.
    Subscribed,
    /// StreamElements refused the token; not retried until it is replaced.
    Unauthorized,
    /// It cannot be used (no channel claim, undecryptable) or the gateway keeps failing.
    Error,
    /// No worker runs it (the instances stopped).
    Stopped,
}

impl SeTokenStatus {
    pub const ALL: [SeTokenStatus; 5] = [
        SeTokenStatus::Connecting,
        SeTokenStatus::Subscribed,
        SeTokenStatus::Unauthorized,
        SeTokenStatus::Error,
        SeTokenStatus::Stopped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SeTokenStatus::Connecting => "connecting",
            SeTokenStatus::Subscribed => "subscribed",
            SeTokenStatus::Unauthorized => "unauthorized",
            SeTokenStatus::Error => "error",
            SeTokenStatus::Stopped => "stopped",
        }
    }

    pub fn parse(text: &str) -> Option<SeTokenStatus> {
        SeTokenStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A stored SE token as every door shows it: the hint, never the token.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeToken {
    pub id: Uuid,
    pub platform: SePlatform,
    /// First 4 characters, `***`, last 4 (`eyJh***ab12`); `****` when shorter than 9 characters
    /// or when it cannot be decrypted.
    pub token_hint: String,
    pub label: Option<String>,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis")]
    pub updated_at: DateTime<Utc>,
    pub status: SeTokenStatus,
}

/// `POST /api/v1/se-tokens`: stores the account's token for `platform`, replacing one there.
/// The platform is text so that a wrong one is told apart by name (400 naming `platform`).
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSeToken {
    pub platform: String,
    pub token: String,
    #[serde(default)]
    pub label: Option<String>,
}

pub const SE_TOKEN_LABEL_MAX_CHARS: usize = 100;
/// What a token that cannot be shown in part shows instead.
pub const MASKED_TOKEN: &str = "****";

/// Seed 000's hint: first 4 + `***` + last 4 characters, or `****` for 8 characters or fewer.
pub fn token_hint(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() <= 8 {
        return MASKED_TOKEN.to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}***{tail}")
}

/// A tip as the API lists it.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tip {
    pub id: Uuid,
    pub platform: SePlatform,
    pub username: String,
    pub amount: f64,
    pub currency: String,
    pub message: String,
    /// When StreamElements says the tip was made.
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
}

/// A tip the worker received, before it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedTip {
    pub account_id: Uuid,
    pub platform: SePlatform,
    /// StreamElements' `_id`: a tip seen twice (a replay after a reconnect) is stored once.
    pub se_id: String,
    pub username: String,
    pub amount: f64,
    pub currency: String,
    pub message: String,
    pub provider: Option<String>,
    pub status: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The frame as it came, kept for what the columns leave out.
    pub raw: String,
}

/// `GET /api/v1/tips`: newest first, at most `limit`, made after `since` and before `before`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TipQuery {
    pub since: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    pub platform: Option<SePlatform>,
    pub limit: u32,
}

impl TipQuery {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 500;
}

/// Today's sum of one currency's tips (the dashboard's totals).
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TipTotal {
    pub currency: String,
    pub amount: f64,
    pub count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_show_four_and_four_characters_or_nothing() {
        assert_eq!(token_hint("eyJhbGciOiJIUzI1NiJ9.xyzab12"), "eyJh***ab12");
        assert_eq!(token_hint("123456789"), "1234***6789");
        assert_eq!(token_hint("12345678"), "****");
        assert_eq!(token_hint(""), "****");
        assert_eq!(token_hint("ééééxyzwäöüß"), "éééé***äöüß");
    }

    #[test]
    fn platforms_and_statuses_round_trip_their_names() {
        for platform in SePlatform::ALL {
            assert_eq!(SePlatform::parse(platform.as_str()), Some(platform));
            assert_eq!(serde_json::to_value(platform).unwrap(), platform.as_str());
        }
        for status in SeTokenStatus::ALL {
            assert_eq!(SeTokenStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(SePlatform::parse("Twitch"), None);
    }
}
