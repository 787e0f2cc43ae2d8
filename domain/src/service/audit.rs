//! The audit trail: who did what to what, from where. Every service appends to it through
//! [`record_audit`], naming the actor as [`actor`] spells the principal.

use std::net::IpAddr;

use uuid::Uuid;

use crate::{
    model::{time, AuditEntry, Principal},
    store::Store,
    DomainError,
};

/// Appends one entry to the audit trail.
pub(super) async fn record_audit(
    store: &dyn Store,
    account_id: Option<Uuid>,
    actor: &str,
    action: &str,
    target: Option<String>,
    ip: Option<IpAddr>,
) -> Result<(), DomainError> {
    let entry = AuditEntry {
        id: Uuid::new_v4(),
        account_id,
        actor: actor.to_owned(),
        action: action.to_owned(),
        target,
        ip: ip.map(|ip| ip.to_string()),
        created_at: time::now(),
    };
    Ok(store.insert_audit(&entry).await?)
}

/// How the trail names the one acting: `user:<id>`, `api_token:<id>`, `superadmin` or
/// `operator`.
pub(super) fn actor(principal: &Principal) -> String {
    match principal {
        Principal::Member { user_id, .. } => user_actor(*user_id),
        Principal::ApiToken { token_id, .. } => format!("api_token:{token_id}"),
        Principal::Superadmin { .. } => "superadmin".into(),
        Principal::Operator => "operator".into(),
    }
}

pub(super) fn user_actor(user_id: Uuid) -> String {
    format!("user:{user_id}")
}
