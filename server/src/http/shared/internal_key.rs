//! The internal API key (`STREAMGATE_INTERNAL_API_KEY`) that edges and operators' tools present
//! for the revocation feed and the cache purge.

use axum::http::HeaderMap;
use streamgate_domain::model::INTERNAL_API_KEY_HEADER;
use subtle::ConstantTimeEq;

/// Whether the request carries the configured internal API key (compared in constant time);
/// never when none is configured.
pub fn presents_key(expected: Option<&str>, headers: &HeaderMap) -> bool {
    match (expected, headers.get(INTERNAL_API_KEY_HEADER)) {
        (Some(expected), Some(given)) => bool::from(expected.as_bytes().ct_eq(given.as_bytes())),
        _ => false,
    }
}
