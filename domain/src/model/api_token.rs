//! API tokens (seed 001's `sk_…`): long-lived bearer credentials for integrations, such as a
//! ticket shop minting codes when a ticket sells.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    time::{rfc3339_millis, rfc3339_millis_option},
    Role,
};

/// What every token starts with, so it can be told from a dashboard JWT (and found by secret
/// scanners).
pub const API_TOKEN_PREFIX: &str = "sk_";
/// How much of a token lists show, so people can recognise it.
pub const API_TOKEN_SHOWN_CHARS: usize = 8;
pub const API_TOKEN_NAME_MAX_CHARS: usize = 100;

/// What a token may reach.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// Acts as the superadmin, outside every account (seed 001: it bypasses tenant scoping).
    Global,
    /// Bound to one account, acting with its role.
    Account,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Global => "global",
            TokenScope::Account => "account",
        }
    }
}

impl TryFrom<String> for TokenScope {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match text.as_str() {
            "global" => Ok(TokenScope::Global),
            "account" => Ok(TokenScope::Account),
            other => Err(format!("unknown token scope `{other}`")),
        }
    }
}

/// A token as lists show it: never the token itself.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub scope: TokenScope,
    /// `None` for a global token.
    pub account_id: Option<Uuid>,
    /// `None` for a global token, which acts as the superadmin.
    pub role: Option<Role>,
    pub prefix: String,
    /// Addresses and CIDR ranges it may be used from; empty: any.
    pub allowed_ips: Vec<String>,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "rfc3339_millis_option")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(with = "rfc3339_millis_option")]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just minted: the one time the token itself is shown.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MintedApiToken {
    #[serde(flatten)]
    pub details: ApiToken,
    pub token: String,
}

/// `POST /api/v1/tokens`.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApiToken {
    pub name: String,
    pub scope: TokenScope,
    #[serde(default)]
    pub account_id: Option<Uuid>,
    /// Defaults to the minter's role; never above it.
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub allowed_ips: Vec<String>,
    #[serde(default, with = "rfc3339_millis_option")]
    pub expires_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_shows_every_listed_field_and_the_token() {
        let minted = MintedApiToken {
            details: ApiToken {
                id: Uuid::nil(),
                name: "shop".into(),
                scope: TokenScope::Account,
                account_id: Some(Uuid::nil()),
                role: Some(Role::Editor),
                prefix: "sk_abcde".into(),
                allowed_ips: vec!["10.0.0.0/8".into()],
                created_at: DateTime::from_timestamp(0, 0).unwrap(),
                expires_at: None,
                last_used_at: None,
            },
            token: "sk_abcdef".into(),
        };
        let json = serde_json::to_value(&minted).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "accountId",
                "allowedIps",
                "createdAt",
                "expiresAt",
                "id",
                "lastUsedAt",
                "name",
                "prefix",
                "role",
                "scope",
                "token"
            ]
        );
        assert_eq!(json["lastUsedAt"], serde_json::Value::Null);
        assert_eq!(json["scope"], "account");
    }

    #[test]
    fn a_request_names_its_scope_and_may_leave_the_rest_out() {
        let asked: NewApiToken = serde_json::from_str(r#"{"name":"ci","scope":"global"}"#).unwrap();
        assert_eq!(asked.scope, TokenScope::Global);
        assert!(asked.allowed_ips.is_empty() && asked.role.is_none());
        assert!(serde_json::from_str::<NewApiToken>(r#"{"name":"x","scope":"app"}"#).is_err());
    }
}
