//! An account's members: adding them, their role and whether they are active, their own
//! password. Every change is audited; an account always keeps an active owner.

use std::net::IpAddr;

use uuid::Uuid;

use super::{
    audit::{actor, record_audit, user_actor},
    password,
    users::{email_conflict, new_user_record, user_target},
    AccountService,
};
use crate::{
    model::{time, Member, MemberChange, NewMember, Permission, Principal, Role},
    DomainError,
};

impl AccountService<'_> {
    /// Adds a user to the acting account (see [`Self::acting_account`]). Needs `users:write`;
    /// only owners (the superadmin and the operator too) may make someone an owner.
    pub async fn add_member(
        &self,
        principal: &Principal,
        account_id: Option<Uuid>,
        input: NewMember,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        self.authz.require(principal, Permission::UsersWrite)?;
        let account_id = self.acting_account(principal, account_id).await?;
        if input.role == Role::Owner && !acts_as_owner(principal) {
            return Err(DomainError::validation(
                "role",
                "only an owner can add another owner",
            ));
        }
        let user = new_user_record(account_id, &input.email, &input.password, input.role).await?;
        self.store
            .insert_user(&user)
            .await
            .map_err(email_conflict)?;
        let target = Some(user_target(&user.member));
        record_audit(
            self.store,
            Some(account_id),
            &actor(principal),
            "user.created",
            target,
            ip,
        )
        .await?;
        Ok(user.member)
    }

    /// `streamgate admin create`: as [`Self::add_member`], except that on an installation
    /// without any account yet (before the first start) the operator naming no account founds
    /// one named `new_account_name`, with this user as its owner.
    pub async fn add_member_or_found_account(
        &self,
        principal: &Principal,
        account_id: Option<Uuid>,
        new_account_name: &str,
        input: NewMember,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        self.authz.require(principal, Permission::UsersWrite)?;
        let founding = account_id.is_none()
            && *principal == Principal::Operator
            && self.installation_account().await?.is_none();
        if !founding {
            return self.add_member(principal, account_id, input, ip).await;
        }
        if input.role != Role::Owner {
            return Err(DomainError::validation(
                "role",
                "the first user of a new account must be its owner",
            ));
        }
        let (_, owner) = self
            .create_account_with_owner(new_account_name, &input.email, &input.password)
            .await?;
        Ok(owner)
    }

    /// The members of the acting account (see [`Self::acting_account`]). Needs `users:read`.
    pub async fn members(
        &self,
        principal: &Principal,
        account_id: Option<Uuid>,
    ) -> Result<Vec<Member>, DomainError> {
        self.authz.require(principal, Permission::UsersRead)?;
        let account_id = self.acting_account(principal, account_id).await?;
        Ok(self.store.list_members(account_id).await?)
    }

    /// Changes a member's role and/or whether they are active, in one write. Needs
    /// `users:write`. Only owners (the superadmin and the operator too) make, unmake or
    /// deactivate owners; nobody deactivates themselves; an account always keeps an active
    /// owner. Deactivation ends the member's sessions and tokens. Each part that changes is
    /// audited; a refused part refuses the whole change.
    pub async fn update_member(
        &self,
        principal: &Principal,
        user_id: Uuid,
        change: MemberChange,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        self.authz.require(principal, Permission::UsersWrite)?;
        if change == MemberChange::default() {
            return Err(DomainError::validation(
                "body",
                "Nothing to change: send role and/or isActive",
            ));
        }
        let member = self.member_to_manage(principal, user_id).await?;
        let role = change.role.filter(|role| *role != member.role);
        let active = change
            .is_active
            .filter(|active| *active != member.is_active);
        if role.is_some_and(|role| role == Role::Owner || member.role == Role::Owner)
            && !acts_as_owner(principal)
        {
            return Err(DomainError::validation(
                "role",
                "only an owner can make or unmake an owner",
            ));
        }
        let deactivating = active == Some(false);
        if deactivating {
            if matches!(principal, Principal::Member { user_id: own, .. } if *own == user_id) {
                return Err(DomainError::validation(
                    "isActive",
                    "you cannot deactivate yourself",
                ));
            }
            if member.role == Role::Owner && !acts_as_owner(principal) {
                return Err(DomainError::validation(
                    "isActive",
                    "only an owner can deactivate an owner",
                ));
            }
        }
        if role.is_none() && active.is_none() {
            return Ok(member);
        }
        if member.role == Role::Owner && (role.is_some() || deactivating) {
            self.keep_an_owner(&member).await?;
        }
        self.store
            .update_member(user_id, role, active, time::now())
            .await?;
        let changed = Member {
            role: role.unwrap_or(member.role),
            is_active: active.unwrap_or(member.is_active),
            ..member.clone()
        };
        let by = actor(principal);
        if let Some(role) = role {
            let target = format!(
                "user:{} ({}): {} -> {role}",
                user_id, member.email, member.role
            );
            record_audit(
                self.store,
                Some(member.account_id),
                &by,
                "user.role_changed",
                Some(target),
                ip,
            )
            .await?;
        }
        if let Some(active) = active {
            let action = if active {
                "user.reactivated"
            } else {
                "user.deactivated"
            };
            let target = Some(user_target(&changed));
            record_audit(self.store, Some(member.account_id), &by, action, target, ip).await?;
        }
        Ok(changed)
    }

    /// A member changes their own password (no permission needed, the current one is). Their
    /// other sessions and tokens end; the caller signs in again.
    pub async fn change_own_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        ip: Option<IpAddr>,
    ) -> Result<(), DomainError> {
        let user_id =
            match principal {
                Principal::Member { user_id, .. } => *user_id,
                Principal::Superadmin { .. } => return Err(DomainError::validation(
                    "password",
                    "the break-glass admin's password is ADMIN_PASS; change it in the environment",
                )),
                Principal::Operator => {
                    return Err(DomainError::validation(
                        "password",
                        "the operator is not a user and has no password",
                    ))
                }
                Principal::ApiToken { .. } => {
                    return Err(DomainError::validation(
                        "password",
                        "an API token is not a user and has no password",
                    ))
                }
            };
        let user = self
            .store
            .find_user(user_id)
            .await?
            .ok_or(DomainError::NotFound { what: "User" })?;
        if !password::verify(current, Some(&user.password_hash)).await {
            return Err(DomainError::validation(
                "currentPassword",
                "the current password is wrong",
            ));
        }
        password::validate(new)?;
        let hash = password::hash(new).await;
        self.store
            .update_password(user_id, &hash, time::now())
            .await?;
        let target = Some(user_target(&user.member));
        let by = user_actor(user_id);
        record_audit(
            self.store,
            Some(user.member.account_id),
            &by,
            "user.password_changed",
            target,
            ip,
        )
        .await
    }

    /// The member `user_id`, if they are in the caller's account (any account for the
    /// superadmin and the operator).
    async fn member_to_manage(
        &self,
        principal: &Principal,
        user_id: Uuid,
    ) -> Result<Member, DomainError> {
        let user = self
            .store
            .find_user(user_id)
            .await?
            .ok_or(DomainError::NotFound { what: "User" })?;
        self.authz
            .scope(principal, user.member.account_id, "User")?;
        Ok(user.member)
    }

    /// Refuses a change that would leave `owner`'s account without another active owner.
    async fn keep_an_owner(&self, owner: &Member) -> Result<(), DomainError> {
        let members = self.store.list_members(owner.account_id).await?;
        let other_owners = members
            .iter()
            .filter(|m| m.role == Role::Owner && m.is_active && m.user_id != owner.user_id)
            .count();
        if other_owners == 0 {
            return Err(DomainError::Conflict {
                field: "role",
                message: "an account needs at least one active owner".into(),
            });
        }
        Ok(())
    }
}

/// Owners, the superadmin and the operator may make, unmake and deactivate owners.
pub(super) fn acts_as_owner(principal: &Principal) -> bool {
    match principal {
        Principal::Member { .. } | Principal::ApiToken { .. } => {
            principal.role() == Some(Role::Owner)
        }
        Principal::Superadmin { .. } | Principal::Operator => true,
    }
}
