//! The audit trail: who did what to whom, from where, and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::rfc3339_millis;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: Uuid,
    /// The account the action happened in; `None` for platform-level actions or a failed
    /// sign-in with an unknown email.
    pub account_id: Option<Uuid>,
    /// `user:<id>`, `superadmin`, `operator` (command line or first-run bootstrap), or the
    /// email a failed sign-in claimed.
    pub actor: String,
    /// Dotted verb, e.g. `sign_in.succeeded`, `user.created`.
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
}
