//! Playback tokens: short-lived HS256 JWTs that bind a viewer's code, event, session and stream
//! path. The app issues them; the HLS listener (in the app or on an edge) verifies them.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    model::{stream_path, PLAYBACK_TOKEN_LIFETIME_SECS, PUBLIC_SUBJECT},
    service::secret,
    DomainError,
};

/// The settings key under which a generated playback secret is kept.
pub(crate) const PLAYBACK_SECRET_SETTING: &str = "playback_jwt_secret";
pub(crate) const SECRET_VARIABLE: &str = "STREAMGATE_PLAYBACK_SECRET";

/// What a playback token says (seed 002 plus the bindings the original lacked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybackClaims {
    /// The access code; [`PUBLIC_SUBJECT`] for a public event's session, which has none.
    pub sub: String,
    /// The event.
    pub eid: Uuid,
    /// The playback session (the one device the code is watched on).
    pub sid: Uuid,
    /// The stream path prefix every file the token opens must be under: `/streams/{eid}/`.
    pub sp: String,
    pub iat: i64,
    pub exp: i64,
}

impl PlaybackClaims {
    /// Claims for a session starting (or refreshing) at `now`, living the standard lifetime but
    /// never past the code's expiry.
    pub fn new(
        code: &str,
        event_id: Uuid,
        session_id: Uuid,
        now: DateTime<Utc>,
        code_expires_at: DateTime<Utc>,
    ) -> Self {
        let iat = now.timestamp();
        PlaybackClaims {
            sub: code.to_owned(),
            eid: event_id,
            sid: session_id,
            sp: stream_path(event_id),
            iat,
            exp: (iat + PLAYBACK_TOKEN_LIFETIME_SECS).min(code_expires_at.timestamp()),
        }
    }

    /// Whether the token is a public event's (no code behind it).
    pub fn is_public(&self) -> bool {
        self.sub == PUBLIC_SUBJECT
    }

    /// Seconds the token lives (`tokenExpiresIn`).
    pub fn lifetime(&self) -> i64 {
        self.exp - self.iat
    }
}

/// Signs and verifies playback tokens with one secret.
#[derive(Clone)]
pub struct PlaybackKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// The same, without the expiry check (refresh tells an expired token apart; release
    /// accepts one).
    signature_only: Validation,
}

impl PlaybackKeys {
    pub fn new(secret: &[u8]) -> Self {
        // HS256 only: `alg: none` and public-key confusion are refused. No leeway: the
        // token's own `exp` is the end.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let mut signature_only = validation.clone();
        signature_only.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            signature_only,
        }
    }

    /// A throw-away key (tests, CLI tasks).
    pub fn ephemeral() -> Self {
        Self::new(secret::random_alphanumeric(48).as_bytes())
    }

    /// A configured secret (an edge's), refused when too short.
    pub fn checked(secret: &str) -> Result<&[u8], DomainError> {
        secret::checked(SECRET_VARIABLE, secret)
    }

    pub fn issue(&self, claims: &PlaybackClaims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// The claims of a token signed with this key and not expired; `None` otherwise.
    pub fn verify(&self, token: &str) -> Option<PlaybackClaims> {
        jsonwebtoken::decode::<PlaybackClaims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }

    /// The claims of a token signed with this key, expired or not.
    pub fn verify_signature(&self, token: &str) -> Option<PlaybackClaims> {
        jsonwebtoken::decode::<PlaybackClaims>(token, &self.decoding, &self.signature_only)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn claims(lifetime: i64) -> PlaybackClaims {
        let now = crate::model::time::now();
        PlaybackClaims::new(
            "Ab3kF9mNx2Qp",
            Uuid::new_v4(),
            Uuid::new_v4(),
            now,
            now + chrono::Duration::seconds(lifetime),
        )
    }

    #[test]
    fn round_trip_binds_code_event_session_and_path() {
        let keys = PlaybackKeys::ephemeral();
        let claims = claims(86_400);
        assert_eq!(claims.lifetime(), PLAYBACK_TOKEN_LIFETIME_SECS);
        assert_eq!(claims.sp, format!("/streams/{}/", claims.eid));
        assert_eq!(keys.verify(&keys.issue(&claims)), Some(claims));
    }

    #[test]
    fn a_token_never_outlives_its_code() {
        assert_eq!(claims(120).lifetime(), 120);
    }

    #[test]
    fn wrong_key_expired_tampered_and_unsigned_tokens_are_refused() {
        let keys = PlaybackKeys::ephemeral();
        let token = keys.issue(&claims(86_400));
        assert_eq!(PlaybackKeys::ephemeral().verify(&token), None);

        let mut expired = claims(86_400);
        expired.exp = expired.iat - 1;
        assert_eq!(keys.verify(&keys.issue(&expired)), None);
        assert_eq!(keys.verify_signature(&keys.issue(&expired)), Some(expired));

        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let parts: Vec<&str> = token.split('.').collect();
        let mut other = claims(86_400);
        other.sub = "SomeoneElse1".into();
        let forged_payload = engine.encode(serde_json::to_vec(&other).unwrap());
        assert_eq!(
            keys.verify(&format!("{}.{forged_payload}.{}", parts[0], parts[2])),
            None
        );
        let none_header = engine.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(keys.verify(&format!("{none_header}.{}.", parts[1])), None);
        assert_eq!(keys.verify("garbage"), None);
    }

    #[test]
    fn short_configured_secrets_are_refused() {
        assert!(PlaybackKeys::checked("short").is_err());
        assert!(PlaybackKeys::checked(&"x".repeat(32)).is_ok());
    }
}
