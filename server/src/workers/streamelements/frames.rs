//! The Astro gateway's frames (https://docs.streamelements.com/websockets): what we send,
//! what it sends, and a `channel.tips` message as a tip.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::Deserialize;
use serde_json::{json, Value};
use streamgate_domain::model::{time, ReceivedTip, SePlatform};
use uuid::Uuid;

pub const TIPS_TOPIC: &str = "channel.tips";

/// A frame from the gateway; the fields each `type` uses, the rest absent.
#[derive(Debug, Default, Deserialize)]
pub struct Incoming {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub room: Option<String>,
    #[serde(default)]
    pub data: Value,
}

impl Incoming {
    pub fn parse(text: &str) -> Option<Incoming> {
        serde_json::from_str(text).ok()
    }

    /// A `reconnect` frame's token.
    pub fn reconnect_token(&self) -> Option<&str> {
        self.data.get("reconnect_token").and_then(Value::as_str)
    }

    /// The room a `response` confirmed, else the one a `message` came from.
    pub fn room(&self) -> Option<&str> {
        self.data
            .get("room")
            .and_then(Value::as_str)
            .or(self.room.as_deref())
    }

    pub fn message(&self) -> &str {
        self.data
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// How a refused subscription is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `err_unauthorized`: the token is not good; wait until it is replaced.
    Unauthorized,
    /// Worth asking again later, with backoff.
    Transient,
    /// Anything else: reported, and asked again only after a reconnect.
    Other,
}

pub fn refusal(code: &str) -> Refusal {
    match code {
        "err_unauthorized" => Refusal::Unauthorized,
        "err_deadline_exceeded" | "err_internal_error" | "rate_limit_exceeded" => {
            Refusal::Transient
        }
        _ => Refusal::Other,
    }
}

pub fn subscribe(nonce: Uuid, room: &str, token: &str) -> String {
    json!({
        "type": "subscribe",
        "nonce": nonce.to_string(),
        "data": { "topic": TIPS_TOPIC, "room": room, "token": token, "token_type": "jwt" },
    })
    .to_string()
}

pub fn unsubscribe(nonce: Uuid, room: &str, token: &str) -> String {
    json!({
        "type": "unsubscribe",
        "nonce": nonce.to_string(),
        "data": { "topic": TIPS_TOPIC, "room": room, "token": token, "token_type": "jwt" },
    })
    .to_string()
}

/// The `channel` claim of an SE JWT (its payload read, not verified: the gateway verifies).
pub fn channel_claim(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims
        .get("channel")
        .and_then(Value::as_str)
        .filter(|channel| !channel.is_empty())
        .map(str::to_owned)
}

/// A `channel.tips` message as a tip of `account_id` on `platform`; `None` when it lacks the
/// tip's `_id`, donor or amount.
pub fn tip(
    account_id: Uuid,
    platform: SePlatform,
    frame: &Incoming,
    raw: &str,
) -> Option<ReceivedTip> {
    let data = &frame.data;
    let donation = data.get("donation")?;
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    let amount = match donation.get("amount")? {
        Value::Number(number) => number.as_f64()?,
        Value::String(text) => text.trim().parse().ok()?,
        _ => return None,
    };
    if !amount.is_finite() {
        return None;
    }
    Some(ReceivedTip {
        account_id,
        platform,
        se_id: text(data.get("_id")).filter(|id| !id.is_empty())?,
        username: text(donation.pointer("/user/username"))?,
        amount,
        currency: text(donation.get("currency")).unwrap_or_else(|| "USD".to_owned()),
        message: text(donation.get("message")).unwrap_or_default(),
        provider: text(data.get("provider")),
        status: text(data.get("status")),
        created_at: text(data.get("createdAt"))
            .and_then(|at| time::parse(&at))
            .unwrap_or_else(time::now),
        raw: raw.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of https://docs.streamelements.com/websockets/topics/channel-tips.
    const TIP: &str = r#"{"id":"01JMFBZF7KSRDDXXV0EH7G8X6G","ts":"2025-02-19T15:07:17Z",
        "type":"message","topic":"channel.tips","room":"5ad23dcc18fff500d78c5348",
        "data":{"donation":{"user":{"username":"Styler","geo":"ZZ",
        "email":"styler@streamelements.com","channel":"5ad23dcc18fff500d78c5348"},
        "message":"","amount":4.2,"currency":"USD","paymentMethod":"scheme"},
        "_id":"67b5f39d07ecd4c594e60f73","channel":"5ad23dcc18fff500d78c5348",
        "provider":"paypal","approved":"allowed","status":"success",
        "createdAt":"2025-02-19T15:07:09.302Z","updatedAt":"2025-02-19T15:07:17.099Z",
        "transactionId":"2YH79902JR1691017"}}"#;

    #[test]
    fn the_documented_tip_message_becomes_a_tip() {
        let frame = Incoming::parse(TIP).unwrap();
        assert_eq!(frame.kind, "message");
        assert_eq!(frame.room(), Some("5ad23dcc18fff500d78c5348"));
        let account = Uuid::new_v4();
        let tip = tip(account, SePlatform::Twitch, &frame, TIP).unwrap();
        assert_eq!(tip.se_id, "67b5f39d07ecd4c594e60f73");
        assert_eq!(tip.username, "Styler");
        assert_eq!(tip.amount, 4.2);
        assert_eq!(tip.currency, "USD");
        assert_eq!(tip.provider.as_deref(), Some("paypal"));
        assert_eq!(time::format(&tip.created_at), "2025-02-19T15:07:09.302Z");
    }

    #[test]
    fn the_room_is_the_tokens_channel_claim() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"channel":"5ad23dcc18fff500d78c5348"}"#);
        let jwt = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.signature");
        assert_eq!(
            channel_claim(&jwt).as_deref(),
            Some("5ad23dcc18fff500d78c5348")
        );
        assert_eq!(channel_claim("not-a-jwt"), None);
        let empty = URL_SAFE_NO_PAD.encode(br#"{"sub":"x"}"#);
        assert_eq!(channel_claim(&format!("a.{empty}.b")), None);
    }

    #[test]
    fn only_transient_refusals_are_retried() {
        assert_eq!(refusal("err_unauthorized"), Refusal::Unauthorized);
        for code in [
            "err_deadline_exceeded",
            "err_internal_error",
            "rate_limit_exceeded",
        ] {
            assert_eq!(refusal(code), Refusal::Transient);
        }
        assert_eq!(refusal("err_bad_request"), Refusal::Other);
    }
}
