//! Timestamps as the seed APIs write them: RFC 3339, UTC, millisecond precision
//! (`2025-03-15T09:00:00.000Z`).

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// The current time cut to whole milliseconds, so that a value survives a round trip through
/// either database and the JSON wire format unchanged.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

pub fn format(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses any RFC 3339 time (any offset) into UTC, cut to milliseconds.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc).trunc_subsecs(3))
}

/// `#[serde(with = "rfc3339_millis")]` for `DateTime<Utc>` fields.
pub mod rfc3339_millis {
    use super::*;

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 time"))
    }
}

/// `#[serde(with = "rfc3339_millis_option")]` for `Option<DateTime<Utc>>` fields (`null` when absent).
pub mod rfc3339_millis_option {
    use super::*;

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_some(&format(at)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => parse(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 time")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_writes_milliseconds_and_z() {
        let at = parse("2025-03-15T10:00:00.123456+01:00").unwrap();
        assert_eq!(format(&at), "2025-03-15T09:00:00.123Z");
    }

    #[test]
    fn parse_rejects_what_is_not_rfc_3339() {
        assert!(parse("2025-03-15 09:00").is_none());
        assert!(parse("yesterday").is_none());
    }
}
