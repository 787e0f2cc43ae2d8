//! Who may fetch a stream's files: the playback token and the revocation cache, checked together
//! by [`AccessGuard`] on every manifest and segment request. Holds no store, so an HLS edge
//! (which has no database) runs it as the app does.

use std::sync::Arc;

use uuid::Uuid;

use super::{PlaybackClaims, PlaybackKeys, RevocationCache, Revoked};

/// Why a stream request is refused (all of it is seed 002's `403 Access denied`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    /// Bad signature, wrong algorithm, malformed or expired.
    InvalidToken,
    /// The token is for another event (or another path).
    WrongEvent,
    Revoked(Revoked),
}

/// Checks a playback token against the event a request asks for and the revocation cache.
#[derive(Clone)]
pub struct AccessGuard {
    keys: Arc<PlaybackKeys>,
    revocations: Arc<RevocationCache>,
}

impl AccessGuard {
    pub fn new(keys: Arc<PlaybackKeys>, revocations: Arc<RevocationCache>) -> Self {
        Self { keys, revocations }
    }

    pub fn revocations(&self) -> &Arc<RevocationCache> {
        &self.revocations
    }

    /// The token's claims if it may open files of `event_id` now.
    pub fn admit(&self, token: &str, event_id: Uuid) -> Result<PlaybackClaims, Denied> {
        let claims = self.keys.verify(token).ok_or(Denied::InvalidToken)?;
        if claims.eid != event_id || claims.sp != crate::model::stream_path(event_id) {
            return Err(Denied::WrongEvent);
        }
        self.revocations
            .check(&claims.sub, claims.eid, claims.sid)
            .map_err(Denied::Revoked)?;
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{time, AccessChange, AccessChangeKind};

    #[test]
    fn admits_only_its_own_event_while_nothing_is_revoked() {
        let keys = Arc::new(PlaybackKeys::ephemeral());
        let guard = AccessGuard::new(keys.clone(), Arc::new(RevocationCache::new()));
        let now = time::now();
        let claims = PlaybackClaims::new(
            "Ab3kF9mNx2Qp",
            Uuid::new_v4(),
            Uuid::new_v4(),
            now,
            now + chrono::Duration::days(2),
        );
        let token = keys.issue(&claims);
        assert_eq!(guard.admit(&token, claims.eid), Ok(claims.clone()));
        assert_eq!(guard.admit(&token, Uuid::new_v4()), Err(Denied::WrongEvent));
        assert_eq!(
            guard.admit("not.a.token", claims.eid),
            Err(Denied::InvalidToken)
        );
        guard.revocations().apply(&[AccessChange {
            at: now,
            event_id: claims.eid,
            kind: AccessChangeKind::CodeRevoked {
                code: claims.sub.clone(),
            },
        }]);
        assert_eq!(
            guard.admit(&token, claims.eid),
            Err(Denied::Revoked(Revoked::Code))
        );
    }
}
