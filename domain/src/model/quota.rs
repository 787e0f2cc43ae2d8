//! Account quotas: how many events, codes and concurrent viewers an account may have, what it
//! uses, and the refusal when a change would pass a limit. -1 means unlimited.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use super::time::rfc3339_millis;

/// A limit that never refuses.
pub const UNLIMITED: i64 = -1;

/// What a quota counts.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum QuotaMetric {
    Events,
    /// All codes of all the account's events.
    Codes,
    /// Live playback sessions across the account's events.
    ConcurrentViewers,
}

impl QuotaMetric {
    pub const ALL: [QuotaMetric; 3] = [
        QuotaMetric::Events,
        QuotaMetric::Codes,
        QuotaMetric::ConcurrentViewers,
    ];

    /// The metric as the APIs name it.
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaMetric::Events => "events",
            QuotaMetric::Codes => "codes",
            QuotaMetric::ConcurrentViewers => "concurrentViewers",
        }
    }

    /// The quota's key in bodies and in `STREAMGATE_DEFAULT_QUOTAS`.
    pub fn key(self) -> &'static str {
        match self {
            QuotaMetric::Events => "maxEvents",
            QuotaMetric::Codes => "maxCodes",
            QuotaMetric::ConcurrentViewers => "maxConcurrentViewers",
        }
    }
}

impl fmt::Display for QuotaMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The limits in force for an account (-1: unlimited).
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quotas {
    pub max_events: i64,
    pub max_codes: i64,
    pub max_concurrent_viewers: i64,
}

impl Default for Quotas {
    fn default() -> Self {
        Self::UNLIMITED
    }
}

impl Quotas {
    pub const UNLIMITED: Quotas = Quotas {
        max_events: UNLIMITED,
        max_codes: UNLIMITED,
        max_concurrent_viewers: UNLIMITED,
    };

    pub fn limit(&self, metric: QuotaMetric) -> i64 {
        match metric {
            QuotaMetric::Events => self.max_events,
            QuotaMetric::Codes => self.max_codes,
            QuotaMetric::ConcurrentViewers => self.max_concurrent_viewers,
        }
    }

    fn limit_mut(&mut self, metric: QuotaMetric) -> &mut i64 {
        match metric {
            QuotaMetric::Events => &mut self.max_events,
            QuotaMetric::Codes => &mut self.max_codes,
            QuotaMetric::ConcurrentViewers => &mut self.max_concurrent_viewers,
        }
    }
}

/// `STREAMGATE_DEFAULT_QUOTAS`: `maxEvents=10,maxCodes=500`; a key left out is unlimited, an
/// empty text leaves all unlimited.
impl FromStr for Quotas {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut quotas = Quotas::UNLIMITED;
        for pair in text
            .split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
        {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` is not key=value"))?;
            let metric = QuotaMetric::ALL
                .into_iter()
                .find(|metric| metric.key() == key.trim())
                .ok_or_else(|| {
                    format!(
                        "unknown quota `{}`: use maxEvents, maxCodes or maxConcurrentViewers",
                        key.trim()
                    )
                })?;
            let limit = value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|limit| valid_limit(*limit))
                .ok_or_else(|| {
                    format!(
                        "{key}={value}: a quota is -1 (unlimited) or a whole number of 0 or more",
                        key = key.trim(),
                        value = value.trim()
                    )
                })?;
            *quotas.limit_mut(metric) = limit;
        }
        Ok(quotas)
    }
}

/// -1 (unlimited) or 0 and more.
pub fn valid_limit(limit: i64) -> bool {
    limit >= UNLIMITED
}

/// An account's own limits; `None` follows the installation's default, so changing the
/// default reaches every account never given its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaSettings {
    pub max_events: Option<i64>,
    pub max_codes: Option<i64>,
    pub max_concurrent_viewers: Option<i64>,
}

impl QuotaSettings {
    /// The limits in force, the account's own where set and `defaults` elsewhere.
    pub fn resolve(&self, defaults: &Quotas) -> Quotas {
        Quotas {
            max_events: self.max_events.unwrap_or(defaults.max_events),
            max_codes: self.max_codes.unwrap_or(defaults.max_codes),
            max_concurrent_viewers: self
                .max_concurrent_viewers
                .unwrap_or(defaults.max_concurrent_viewers),
        }
    }

    /// These settings with `patch` applied.
    pub fn patched(self, patch: &QuotaPatch) -> QuotaSettings {
        QuotaSettings {
            max_events: patch.max_events.unwrap_or(self.max_events),
            max_codes: patch.max_codes.unwrap_or(self.max_codes),
            max_concurrent_viewers: patch
                .max_concurrent_viewers
                .unwrap_or(self.max_concurrent_viewers),
        }
    }
}

/// A change of an account's limits: a key left out stays, `null` goes back to the
/// installation's default, a number (-1 or more) is the account's own.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaPatch {
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_events: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_codes: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_concurrent_viewers: Option<Option<i64>>,
}

impl QuotaPatch {
    /// Each key the patch names with its new value (`None`: the default).
    pub fn entries(&self) -> impl Iterator<Item = (QuotaMetric, Option<i64>)> + '_ {
        [
            (QuotaMetric::Events, self.max_events),
            (QuotaMetric::Codes, self.max_codes),
            (QuotaMetric::ConcurrentViewers, self.max_concurrent_viewers),
        ]
        .into_iter()
        .filter_map(|(metric, value)| value.map(|value| (metric, value)))
    }
}

/// A key that is present, even as `null` (which a plain `Option` would not tell from absent).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(deserializer).map(Some)
}

/// What an account holds now, as its quotas count it.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub events: i64,
    pub codes: i64,
    pub concurrent_viewers: i64,
}

impl Usage {
    pub fn of(&self, metric: QuotaMetric) -> i64 {
        match metric {
            QuotaMetric::Events => self.events,
            QuotaMetric::Codes => self.codes,
            QuotaMetric::ConcurrentViewers => self.concurrent_viewers,
        }
    }
}

/// `GET /api/v1/accounts/{id}/usage`: an account's quotas and what it uses of them.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountUsage {
    pub account_id: Uuid,
    pub quotas: Quotas,
    pub usage: Usage,
}

/// An account as `/api/v1/accounts` shows it: with the quotas in force.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetails {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
    pub quotas: Quotas,
}

/// `POST /api/v1/accounts`: a new account and its first owner.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    pub name: String,
    pub owner: NewOwner,
}

#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOwner {
    pub email: String,
    pub password: String,
}

/// `PATCH /api/v1/accounts/{id}`: a new name (owners), new quotas (the superadmin).
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotas: Option<QuotaPatch>,
}

/// A change refused because it would take the account past a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("Quota exceeded: {metric} (limit {limit}, used {used})")]
pub struct QuotaExceeded {
    pub metric: QuotaMetric,
    pub limit: i64,
    pub used: i64,
}

impl QuotaExceeded {
    /// What the dashboard tells the organizer.
    pub fn explanation(&self) -> String {
        let what = match self.metric {
            QuotaMetric::Events => "events",
            QuotaMetric::Codes => "access codes",
            QuotaMetric::ConcurrentViewers => "concurrent viewers",
        };
        format!(
            "This account's quota allows {} {what} and {} are in use; ask the platform \
             operator for a higher limit.",
            self.limit, self.used
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_quotas_parse_with_missing_keys_unlimited() {
        assert_eq!("".parse::<Quotas>(), Ok(Quotas::UNLIMITED));
        assert_eq!(
            "maxEvents=-1,maxCodes=-1,maxConcurrentViewers=-1".parse::<Quotas>(),
            Ok(Quotas::UNLIMITED)
        );
        assert_eq!(
            " maxCodes = 10 , maxEvents=0".parse::<Quotas>(),
            Ok(Quotas {
                max_events: 0,
                max_codes: 10,
                max_concurrent_viewers: -1
            })
        );
    }

    #[test]
    fn unknown_keys_and_bad_numbers_are_refused_saying_why() {
        let err = "maxApps=3".parse::<Quotas>().unwrap_err();
        assert!(err.contains("unknown quota `maxApps`"), "{err}");
        for bad in ["maxCodes=-2", "maxCodes=ten", "maxCodes=1.5", "maxCodes"] {
            assert!(bad.parse::<Quotas>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn an_account_setting_overrides_the_default_and_null_follows_it() {
        let defaults: Quotas = "maxEvents=5,maxCodes=100".parse().unwrap();
        let own = QuotaSettings {
            max_codes: Some(-1),
            ..QuotaSettings::default()
        };
        let resolved = own.resolve(&defaults);
        assert_eq!((resolved.max_events, resolved.max_codes), (5, UNLIMITED));
        let patch: QuotaPatch =
            serde_json::from_str(r#"{"maxCodes":null,"maxConcurrentViewers":3}"#).unwrap();
        assert_eq!(patch.max_events, None);
        let patched = own.patched(&patch);
        assert_eq!(
            patched,
            QuotaSettings {
                max_events: None,
                max_codes: None,
                max_concurrent_viewers: Some(3)
            }
        );
    }

    #[test]
    fn quota_exceeded_says_the_metric_limit_and_use() {
        let err = QuotaExceeded {
            metric: QuotaMetric::Codes,
            limit: 10,
            used: 8,
        };
        assert_eq!(err.to_string(), "Quota exceeded: codes (limit 10, used 8)");
        assert_eq!(
            serde_json::to_value(QuotaMetric::ConcurrentViewers).unwrap(),
            "concurrentViewers"
        );
    }
}
