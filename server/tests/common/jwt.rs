//! The JWTs the server issues, read as a client sees them (the signature is the server's
//! business): three base64url parts, an HS256 header, and the claims each kind must carry.

use serde_json::{json, Value};

/// Dashboard JWTs (`/api/v1/auth/login`) live twelve hours.
pub const DASHBOARD_LIFETIME_SECS: i64 = 12 * 3600;
/// Playback tokens live an hour (the tests' codes all outlive that).
pub const PLAYBACK_LIFETIME_SECS: i64 = 3600;

/// The claims of a compact JWT, after checking its shape: three unpadded base64url parts, the
/// header `{"typ": "JWT", "alg": "HS256"}` and a 32-byte (HMAC-SHA256) signature.
pub fn claims(token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "not a compact JWT: {token:?}");
    let decoded: Vec<Vec<u8>> = parts.iter().map(|part| base64url(part, token)).collect();
    let json = |bytes: &[u8]| -> Value {
        serde_json::from_slice(bytes).unwrap_or_else(|err| panic!("not JSON ({err}): {token}"))
    };
    assert_eq!(json(&decoded[0]), json!({ "typ": "JWT", "alg": "HS256" }));
    assert_eq!(decoded[2].len(), 32, "not an HS256 signature: {token}");
    json(&decoded[1])
}

/// The claims of a dashboard JWT: exactly `sub` (`user:<uuid>` or `superadmin`), our issuer and
/// audience, issued just now, for twelve hours.
pub fn dashboard_claims(token: &str) -> Value {
    let claims = claims(token);
    assert_eq!(
        keys(&claims),
        ["aud", "exp", "iat", "iss", "sub"],
        "{claims}"
    );
    assert_eq!(
        (&claims["iss"], &claims["aud"]),
        (&json!("streamgate"), &json!("streamgate-dashboard"))
    );
    let sub = claims["sub"].as_str().unwrap();
    if sub != "superadmin" {
        let user = sub
            .strip_prefix("user:")
            .unwrap_or_else(|| panic!("not a subject: {sub}"));
        uuid::Uuid::try_parse(user).unwrap_or_else(|_| panic!("not a user id: {sub}"));
    }
    assert_lifetime(&claims, DASHBOARD_LIFETIME_SECS);
    claims
}

/// The claims of a playback token for `code` of `event_id`: exactly the code, the event, a
/// session id and the event's stream path, issued just now, for an hour.
pub fn playback_claims(token: &str, code: &str, event_id: &str) -> Value {
    let claims = claims(token);
    assert_eq!(
        keys(&claims),
        ["eid", "exp", "iat", "sid", "sp", "sub"],
        "{claims}"
    );
    assert_eq!(claims["sub"], code, "{claims}");
    assert_eq!(claims["eid"], event_id, "{claims}");
    assert_eq!(claims["sp"], format!("/streams/{event_id}/"), "{claims}");
    uuid::Uuid::try_parse(claims["sid"].as_str().unwrap()).expect("a session id");
    assert_lifetime(&claims, PLAYBACK_LIFETIME_SECS);
    claims
}

fn keys(claims: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

/// `iat` within a minute of now (whole seconds), `exp` exactly `lifetime` later.
fn assert_lifetime(claims: &Value, lifetime: i64) {
    let iat = claims["iat"].as_i64().expect("iat in whole seconds");
    let exp = claims["exp"].as_i64().expect("exp in whole seconds");
    assert!(
        (chrono::Utc::now().timestamp() - iat).abs() < 60,
        "issued at {iat}, not now"
    );
    assert_eq!(exp - iat, lifetime, "{claims}");
}

/// One unpadded base64url part.
fn base64url(part: &str, token: &str) -> Vec<u8> {
    assert!(
        !part.is_empty() && part.len() % 4 != 1,
        "not base64url: {token}"
    );
    let mut bytes = Vec::with_capacity(part.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in part.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not base64url ({:?}): {token}", byte as char),
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    assert_eq!(buffer, 0, "stray bits after the last byte: {token}");
    bytes
}
