//! Organizers and who is acting: accounts (the tenant), their members, and the principal a
//! request acts as.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{time::rfc3339_millis, Permission, Role};

/// A tenant: one organizer's workspace. Everything an organizer owns belongs to one account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
}

/// A user as their account sees them (never with the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub user_id: Uuid,
    pub account_id: Uuid,
    pub email: String,
    #[cfg_attr(feature = "server", sqlx(try_from = "String"))]
    pub role: Role,
    pub is_active: bool,
    #[serde(with = "rfc3339_millis")]
    pub created_at: DateTime<Utc>,
}

/// What an owner or administrator supplies to add someone to their account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewMember {
    pub email: String,
    pub password: String,
    pub role: Role,
}

/// A change to a member: a new role, activation or deactivation, or both at once. `None`
/// leaves that part as it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MemberChange {
    pub role: Option<Role>,
    pub is_active: Option<bool>,
}

impl MemberChange {
    /// Another role, and nothing else.
    pub fn role(role: Role) -> Self {
        Self {
            role: Some(role),
            is_active: None,
        }
    }

    /// Activation or deactivation, and nothing else.
    pub fn active(active: bool) -> Self {
        Self {
            role: None,
            is_active: Some(active),
        }
    }
}

/// How the caller proved who they are (seed 001's credential kinds, and the operator's console).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// The dashboard's session cookie.
    Session,
    /// A dashboard JWT of a user.
    UserJwt,
    /// A dashboard JWT of the break-glass superadmin.
    AdminJwt,
    /// An `sk_` API token.
    ApiToken,
    /// The installation's own console (command line, start-up tasks): no credential, the
    /// process itself.
    Operator,
}

/// Who a request acts as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Principal {
    /// A member of one account, with that account's role.
    #[serde(rename_all = "camelCase")]
    Member {
        user_id: Uuid,
        account_id: Uuid,
        role: Role,
        via: CredentialKind,
    },
    /// An account-scoped `sk_` API token, acting in its account with its role.
    #[serde(rename_all = "camelCase")]
    ApiToken {
        token_id: Uuid,
        account_id: Uuid,
        role: Role,
    },
    /// The platform operator (break-glass `ADMIN_USER`, or a global API token), outside every
    /// account.
    #[serde(rename_all = "camelCase")]
    Superadmin { via: CredentialKind },
    /// The installation's own console: the command line and start-up tasks (the demo). Holds
    /// every permission and, like the superadmin, stands outside every account.
    Operator,
}

impl Principal {
    /// Whether the role (ignoring the enforcement switch) holds `permission`.
    pub fn holds(&self, permission: Permission) -> bool {
        match self {
            Principal::Member { role, .. } | Principal::ApiToken { role, .. } => {
                role.grants(permission)
            }
            Principal::Superadmin { .. } | Principal::Operator => true,
        }
    }

    /// The role within the account; `None` for the superadmin and the operator, who stand
    /// above every role.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Member { role, .. } | Principal::ApiToken { role, .. } => Some(*role),
            Principal::Superadmin { .. } | Principal::Operator => None,
        }
    }

    pub fn via(&self) -> CredentialKind {
        match self {
            Principal::Member { via, .. } | Principal::Superadmin { via } => *via,
            Principal::ApiToken { .. } => CredentialKind::ApiToken,
            Principal::Operator => CredentialKind::Operator,
        }
    }

    /// The account a member belongs to; `None` for the superadmin and the operator.
    pub fn account_id(&self) -> Option<Uuid> {
        match self {
            Principal::Member { account_id, .. } | Principal::ApiToken { account_id, .. } => {
                Some(*account_id)
            }
            Principal::Superadmin { .. } | Principal::Operator => None,
        }
    }
}

/// Whom a dashboard credential (session or JWT) names. Resolved to a [`Principal`] against the
/// store on every request, so deactivation and role changes apply at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Subject {
    #[serde(rename_all = "camelCase")]
    User { user_id: Uuid },
    /// The break-glass `ADMIN_USER`.
    Superadmin,
}

/// `GET /api/v1/auth/me`, and what the dashboard shows of the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub user_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub email: Option<String>,
    pub role: Option<Role>,
    pub is_superadmin: bool,
    pub via: CredentialKind,
}

impl Me {
    /// Whether the dashboard should offer what needs `permission` (the server decides).
    pub fn may(&self, permission: Permission) -> bool {
        self.is_superadmin || self.role.is_some_and(|role| role.grants(permission))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_is_outside_every_account_holds_everything_and_says_so() {
        let operator = Principal::Operator;
        assert!(Permission::ALL.iter().all(|p| operator.holds(*p)));
        assert_eq!(operator.account_id(), None);
        assert_eq!(operator.via(), CredentialKind::Operator);
        assert_eq!(
            serde_json::to_value(&operator).unwrap(),
            serde_json::json!({"kind": "operator"})
        );
        assert_eq!(
            serde_json::to_value(CredentialKind::Operator).unwrap(),
            "operator"
        );
    }

    #[test]
    fn a_member_change_reads_role_and_is_active_each_optional() {
        let change: MemberChange =
            serde_json::from_str(r#"{"role":"editor","isActive":false}"#).unwrap();
        assert_eq!(
            change,
            MemberChange {
                role: Some(Role::Editor),
                is_active: Some(false)
            }
        );
        let empty: MemberChange = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, MemberChange::default());
    }
}
