//! Changes that take access away from playback tokens already issued (or give it back), and
//! seed 002's revocation feed that carries them to HLS edges.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::rfc3339_millis;

/// One change at `at` to what the tokens of an event may still fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessChange {
    pub at: DateTime<Utc>,
    pub event_id: Uuid,
    pub kind: AccessChangeKind,
}

impl AccessChange {
    /// The change a revocation (or un-revocation) of `code` at `at` makes.
    pub fn revocation(code: &super::AccessCode, revoked: bool, at: DateTime<Utc>) -> Self {
        let text = code.code.clone();
        AccessChange {
            at,
            event_id: code.event_id,
            kind: if revoked {
                AccessChangeKind::CodeRevoked { code: text }
            } else {
                AccessChangeKind::CodeRestored { code: text }
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessChangeKind {
    CodeRevoked {
        code: String,
    },
    /// A revoked code was un-revoked.
    CodeRestored {
        code: String,
    },
    EventDeactivated,
    EventReactivated,
    /// Deleted with its codes: like a deactivation that is never undone.
    EventDeleted,
    SessionEnded {
        session_id: Uuid,
        code: String,
        reason: SessionEndReason,
    },
}

/// Why a playback session stopped counting as the code's device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionEndReason {
    /// The player let go (`POST /api/playback/release`).
    Released,
    /// Timed out, and another device validated the code.
    Superseded,
    /// No heartbeat within the session timeout.
    TimedOut,
    /// A public session whose event stopped being public.
    Unpublished,
}

impl SessionEndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionEndReason::Released => "released",
            SessionEndReason::Superseded => "superseded",
            SessionEndReason::TimedOut => "timed_out",
            SessionEndReason::Unpublished => "unpublished",
        }
    }

    /// The access-change kind of a session ending this way.
    pub fn change_kind(self) -> &'static str {
        match self {
            SessionEndReason::Released => "session_released",
            SessionEndReason::Superseded => "session_superseded",
            SessionEndReason::TimedOut => "session_timed_out",
            SessionEndReason::Unpublished => "session_unpublished",
        }
    }
}

impl AccessChangeKind {
    /// How the store spells the kind (`access_changes.kind`).
    pub fn as_str(&self) -> &'static str {
        match self {
            AccessChangeKind::CodeRevoked { .. } => "code_revoked",
            AccessChangeKind::CodeRestored { .. } => "code_restored",
            AccessChangeKind::EventDeactivated => "event_deactivated",
            AccessChangeKind::EventReactivated => "event_reactivated",
            AccessChangeKind::EventDeleted => "event_deleted",
            AccessChangeKind::SessionEnded { reason, .. } => reason.change_kind(),
        }
    }

    /// The kind from its stored spelling and the row's code and session columns.
    pub fn from_parts(kind: &str, code: Option<String>, session_id: Option<Uuid>) -> Option<Self> {
        let session = |reason| {
            Some(AccessChangeKind::SessionEnded {
                session_id: session_id?,
                code: code.clone()?,
                reason,
            })
        };
        match kind {
            "code_revoked" => Some(AccessChangeKind::CodeRevoked { code: code? }),
            "code_restored" => Some(AccessChangeKind::CodeRestored { code: code? }),
            "event_deactivated" => Some(AccessChangeKind::EventDeactivated),
            "event_reactivated" => Some(AccessChangeKind::EventReactivated),
            "event_deleted" => Some(AccessChangeKind::EventDeleted),
            "session_released" => session(SessionEndReason::Released),
            "session_superseded" => session(SessionEndReason::Superseded),
            "session_timed_out" => session(SessionEndReason::TimedOut),
            "session_unpublished" => session(SessionEndReason::Unpublished),
            _ => None,
        }
    }

    /// The code this change is about, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            AccessChangeKind::CodeRevoked { code }
            | AccessChangeKind::CodeRestored { code }
            | AccessChangeKind::SessionEnded { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The session this change is about, if any.
    pub fn session_id(&self) -> Option<Uuid> {
        match self {
            AccessChangeKind::SessionEnded { session_id, .. } => Some(*session_id),
            _ => None,
        }
    }
}

/// Seed 002's `GET /api/revocations` answer, plus what an edge needs to forgive as well as
/// punish (`unrevocations`, `eventReactivations`) and to stop ended sessions (`endedSessions`).
/// Each code, event and session appears at most once, in its latest state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RevocationFeed {
    pub revocations: Vec<CodeRevocation>,
    pub event_deactivations: Vec<EventDeactivation>,
    #[serde(with = "rfc3339_millis")]
    pub server_time: DateTime<Utc>,
    #[serde(default)]
    pub unrevocations: Vec<CodeRestoration>,
    #[serde(default)]
    pub event_reactivations: Vec<EventReactivation>,
    #[serde(default)]
    pub ended_sessions: Vec<EndedSession>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CodeRevocation {
    pub code: String,
    #[serde(with = "rfc3339_millis")]
    pub revoked_at: DateTime<Utc>,
    /// Ours: the code's event.
    #[serde(default)]
    pub event_id: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventDeactivation {
    pub event_id: Uuid,
    #[serde(with = "rfc3339_millis")]
    pub deactivated_at: DateTime<Utc>,
    /// The event's codes (none once it is deleted).
    pub token_codes: Vec<String>,
    /// Ours: the event was deleted rather than switched off.
    #[serde(default)]
    pub deleted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CodeRestoration {
    pub code: String,
    #[serde(with = "rfc3339_millis")]
    pub unrevoked_at: DateTime<Utc>,
    pub event_id: Uuid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventReactivation {
    pub event_id: Uuid,
    #[serde(with = "rfc3339_millis")]
    pub reactivated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EndedSession {
    pub session_id: Uuid,
    pub code: String,
    pub event_id: Uuid,
    #[serde(with = "rfc3339_millis")]
    pub ended_at: DateTime<Utc>,
    pub reason: SessionEndReason,
}

impl RevocationFeed {
    /// The feed of `changes` (oldest first), keeping each code's and event's latest state.
    /// `codes_of` lists a deactivated event's codes.
    pub fn from_changes(
        changes: &[AccessChange],
        codes_of: &HashMap<Uuid, Vec<String>>,
        server_time: DateTime<Utc>,
    ) -> Self {
        let mut latest_code: HashMap<&str, &AccessChange> = HashMap::new();
        let mut latest_event: HashMap<Uuid, &AccessChange> = HashMap::new();
        let mut feed = RevocationFeed {
            server_time,
            ..RevocationFeed::default()
        };
        for change in changes {
            match &change.kind {
                AccessChangeKind::CodeRevoked { code }
                | AccessChangeKind::CodeRestored { code } => {
                    latest_code.insert(code, change);
                }
                AccessChangeKind::EventDeactivated
                | AccessChangeKind::EventReactivated
                | AccessChangeKind::EventDeleted => {
                    // Nothing follows a deletion.
                    if latest_event.get(&change.event_id).map(|c| &c.kind)
                        != Some(&AccessChangeKind::EventDeleted)
                    {
                        latest_event.insert(change.event_id, change);
                    }
                }
                AccessChangeKind::SessionEnded {
                    session_id,
                    code,
                    reason,
                } => feed.ended_sessions.push(EndedSession {
                    session_id: *session_id,
                    code: code.clone(),
                    event_id: change.event_id,
                    ended_at: change.at,
                    reason: *reason,
                }),
            }
        }
        // Listed in the order the changes happened.
        for change in changes {
            let latest = match &change.kind {
                AccessChangeKind::CodeRevoked { code }
                | AccessChangeKind::CodeRestored { code } => latest_code.get(code.as_str()),
                AccessChangeKind::SessionEnded { .. } => None,
                _ => latest_event.get(&change.event_id),
            };
            if !latest.is_some_and(|latest| std::ptr::eq(*latest, change)) {
                continue;
            }
            match &change.kind {
                AccessChangeKind::CodeRevoked { code } => feed.revocations.push(CodeRevocation {
                    code: code.clone(),
                    revoked_at: change.at,
                    event_id: Some(change.event_id),
                }),
                AccessChangeKind::CodeRestored { code } => {
                    feed.unrevocations.push(CodeRestoration {
                        code: code.clone(),
                        unrevoked_at: change.at,
                        event_id: change.event_id,
                    })
                }
                AccessChangeKind::EventDeactivated | AccessChangeKind::EventDeleted => {
                    let deleted = change.kind == AccessChangeKind::EventDeleted;
                    feed.event_deactivations.push(EventDeactivation {
                        event_id: change.event_id,
                        deactivated_at: change.at,
                        token_codes: if deleted {
                            Vec::new()
                        } else {
                            codes_of.get(&change.event_id).cloned().unwrap_or_default()
                        },
                        deleted,
                    })
                }
                AccessChangeKind::EventReactivated => {
                    feed.event_reactivations.push(EventReactivation {
                        event_id: change.event_id,
                        reactivated_at: change.at,
                    })
                }
                AccessChangeKind::SessionEnded { .. } => {}
            }
        }
        feed
    }

    /// The changes this feed stands for, for a cache that applies them (an edge). A revocation
    /// from a feed that names no event (a seed 002 platform) is kept under the nil id.
    pub fn into_changes(self) -> Vec<AccessChange> {
        let mut changes = Vec::new();
        changes.extend(self.revocations.into_iter().map(|r| AccessChange {
            at: r.revoked_at,
            event_id: r.event_id.unwrap_or_default(),
            kind: AccessChangeKind::CodeRevoked { code: r.code },
        }));
        changes.extend(self.unrevocations.into_iter().map(|r| AccessChange {
            at: r.unrevoked_at,
            event_id: r.event_id,
            kind: AccessChangeKind::CodeRestored { code: r.code },
        }));
        changes.extend(self.event_deactivations.into_iter().map(|d| AccessChange {
            at: d.deactivated_at,
            event_id: d.event_id,
            kind: if d.deleted {
                AccessChangeKind::EventDeleted
            } else {
                AccessChangeKind::EventDeactivated
            },
        }));
        changes.extend(self.event_reactivations.into_iter().map(|r| AccessChange {
            at: r.reactivated_at,
            event_id: r.event_id,
            kind: AccessChangeKind::EventReactivated,
        }));
        changes.extend(self.ended_sessions.into_iter().map(|s| AccessChange {
            at: s.ended_at,
            event_id: s.event_id,
            kind: AccessChangeKind::SessionEnded {
                session_id: s.session_id,
                code: s.code,
                reason: s.reason,
            },
        }));
        changes
    }
}

/// The header edges present their internal API key in, to read the revocation feed (seed 002).
pub const INTERNAL_API_KEY_HEADER: &str = "x-internal-api-key";

#[cfg(test)]
mod tests;
