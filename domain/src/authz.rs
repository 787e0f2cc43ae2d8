//! Enforcing the permission matrix. Services call [`Authorizer::require`] first thing, so every
//! door gets the same answer; the `STREAMGATE_AUTHZ_ENFORCE` switch only softens role checks.
//! Tenant scoping ([`Authorizer::scope`]) is never switched off.

use std::str::FromStr;

use uuid::Uuid;

use crate::{
    model::{Permission, Principal},
    DomainError,
};

/// `STREAMGATE_AUTHZ_ENFORCE`: what a missing permission does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EnforcementMode {
    /// No role checks (migrating an existing deployment).
    Off,
    /// Allow, but log what `on` would deny.
    Log,
    /// Deny (403). The default for new installs.
    #[default]
    On,
}

impl FromStr for EnforcementMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(EnforcementMode::Off),
            "log" => Ok(EnforcementMode::Log),
            "on" => Ok(EnforcementMode::On),
            other => Err(format!("expected off, log or on, got `{other}`")),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Authorizer {
    mode: EnforcementMode,
}

impl Authorizer {
    pub fn new(mode: EnforcementMode) -> Self {
        Self { mode }
    }

    /// Checks the principal's role for `permission`, as the enforcement mode says.
    pub fn require(
        &self,
        principal: &Principal,
        permission: Permission,
    ) -> Result<(), DomainError> {
        if principal.holds(permission) {
            return Ok(());
        }
        match self.mode {
            EnforcementMode::Off => Ok(()),
            EnforcementMode::Log => {
                tracing::warn!(?principal, %permission, "authorization would deny (enforcement is `log`)");
                Ok(())
            }
            EnforcementMode::On => Err(DomainError::Forbidden { permission }),
        }
    }

    /// Members act only on their own account; the superadmin and the operator on any. Whatever
    /// the mode, another account's resources answer "not found", so their existence is not
    /// revealed.
    pub fn scope(
        &self,
        principal: &Principal,
        account_id: Uuid,
        what: &'static str,
    ) -> Result<(), DomainError> {
        match principal.account_id() {
            Some(own) if own != account_id => Err(DomainError::NotFound { what }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CredentialKind, Role};

    fn member(role: Role, account_id: Uuid) -> Principal {
        Principal::Member {
            user_id: Uuid::new_v4(),
            account_id,
            role,
            via: CredentialKind::Session,
        }
    }

    /// Every role × every permission × every mode.
    #[test]
    fn each_mode_applies_the_matrix_as_documented() {
        for mode in [
            EnforcementMode::Off,
            EnforcementMode::Log,
            EnforcementMode::On,
        ] {
            let authz = Authorizer::new(mode);
            for role in Role::ALL {
                let principal = member(role, Uuid::new_v4());
                for permission in Permission::ALL {
                    let result = authz.require(&principal, permission);
                    let allowed = role.grants(permission) || mode != EnforcementMode::On;
                    match result {
                        Ok(()) => assert!(allowed, "{mode:?}: {role} was allowed {permission}"),
                        Err(DomainError::Forbidden { permission: denied }) => {
                            assert!(!allowed, "{mode:?}: {role} was denied {permission}");
                            assert_eq!(denied, permission);
                        }
                        Err(other) => panic!("unexpected {other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn the_superadmin_holds_everything_in_every_mode() {
        let superadmin = Principal::Superadmin {
            via: CredentialKind::AdminJwt,
        };
        for permission in Permission::ALL {
            assert!(Authorizer::new(EnforcementMode::On)
                .require(&superadmin, permission)
                .is_ok());
        }
    }

    #[test]
    fn the_operator_holds_everything_and_reaches_every_account() {
        let authz = Authorizer::new(EnforcementMode::On);
        for permission in Permission::ALL {
            assert!(authz.require(&Principal::Operator, permission).is_ok());
        }
        assert!(authz
            .scope(&Principal::Operator, Uuid::new_v4(), "Event")
            .is_ok());
    }

    #[test]
    fn tenant_scope_holds_even_with_enforcement_off() {
        let own = Uuid::new_v4();
        let owner = member(Role::Owner, own);
        for mode in [
            EnforcementMode::Off,
            EnforcementMode::Log,
            EnforcementMode::On,
        ] {
            let authz = Authorizer::new(mode);
            assert!(authz.scope(&owner, own, "Event").is_ok());
            let err = authz.scope(&owner, Uuid::new_v4(), "Event").unwrap_err();
            assert!(
                matches!(err, DomainError::NotFound { what: "Event" }),
                "{mode:?}: {err:?}"
            );
        }
        let superadmin = Principal::Superadmin {
            via: CredentialKind::AdminJwt,
        };
        assert!(Authorizer::default()
            .scope(&superadmin, own, "Event")
            .is_ok());
    }

    #[test]
    fn mode_parses_from_the_environment_spelling_and_defaults_to_on() {
        assert_eq!("off".parse(), Ok(EnforcementMode::Off));
        assert_eq!(" LOG ".parse(), Ok(EnforcementMode::Log));
        assert_eq!("on".parse(), Ok(EnforcementMode::On));
        assert!("yes".parse::<EnforcementMode>().is_err());
        assert_eq!(EnforcementMode::default(), EnforcementMode::On);
    }
}
