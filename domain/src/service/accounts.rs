//! Organizer identity: accounts with their first owner, members and their roles, sign-in.
//! Every change is recorded in the audit trail.

use std::net::IpAddr;

use uuid::Uuid;

use super::password;
use crate::{
    authz::Authorizer,
    model::{
        time, Account, AuditEntry, CredentialKind, Member, NewMember, Permission, Principal, Role,
    },
    store::{Store, StoreError, UserRecord},
    DomainError,
};

const EMAIL_MAX_CHARS: usize = 254;
const ACCOUNT_NAME_MAX_CHARS: usize = 100;

pub struct AccountService<'a> {
    store: &'a dyn Store,
    authz: &'a Authorizer,
}

impl<'a> AccountService<'a> {
    pub(super) fn new(store: &'a dyn Store, authz: &'a Authorizer) -> Self {
        Self { store, authz }
    }

    /// An operator's bootstrap (command line, first run): a new account and its first owner.
    pub async fn create_account_with_owner(
        &self,
        account_name: &str,
        email: &str,
        password: &str,
    ) -> Result<(Account, Member), DomainError> {
        let name = account_name.trim();
        if name.is_empty() || name.chars().count() > ACCOUNT_NAME_MAX_CHARS {
            return Err(DomainError::validation(
                "accountName",
                format!("account name must be 1 to {ACCOUNT_NAME_MAX_CHARS} characters"),
            ));
        }
        let account = Account {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            created_at: time::now(),
        };
        let user = new_user_record(account.id, email, password, Role::Owner).await?;
        self.store
            .insert_account_with_user(&account, &user)
            .await
            .map_err(email_conflict)?;
        self.audit(
            Some(account.id),
            OPERATOR,
            "user.created",
            Some(user_target(&user.member)),
            None,
        )
        .await?;
        Ok((account, user.member))
    }

    /// An operator's `admin create`: a user in `account_id`, or with none given in the only
    /// account (created, with this user as owner, when there is none yet).
    pub async fn create_user_as_operator(
        &self,
        account_id: Option<Uuid>,
        new_account_name: &str,
        input: NewMember,
    ) -> Result<Member, DomainError> {
        let account_id = match operator_account(self.store, account_id).await? {
            Some(account) => account.id,
            None if input.role == Role::Owner => {
                let (_, owner) = self
                    .create_account_with_owner(new_account_name, &input.email, &input.password)
                    .await?;
                return Ok(owner);
            }
            None => {
                return Err(DomainError::validation(
                    "role",
                    "the first user of a new account must be its owner",
                ))
            }
        };
        let user = new_user_record(account_id, &input.email, &input.password, input.role).await?;
        self.store
            .insert_user(&user)
            .await
            .map_err(email_conflict)?;
        self.audit(
            Some(account_id),
            OPERATOR,
            "user.created",
            Some(user_target(&user.member)),
            None,
        )
        .await?;
        Ok(user.member)
    }

    /// Checks an email and password. Unknown emails, wrong passwords and deactivated users all
    /// get the same answer (and take the same time).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        let email = normalize_email(email);
        let user = self.store.find_user_by_email(&email).await?;
        let hash = user.as_ref().map(|user| user.password_hash.as_str());
        let verified = password::verify(password, hash).await;
        match user {
            Some(user) if verified && user.member.is_active => {
                let member = user.member;
                self.audit(
                    Some(member.account_id),
                    &user_actor(member.user_id),
                    "sign_in.succeeded",
                    None,
                    ip,
                )
                .await?;
                Ok(member)
            }
            user => {
                let account_id = user.map(|user| user.member.account_id);
                self.audit(account_id, &email, "sign_in.failed", None, ip)
                    .await?;
                Err(DomainError::InvalidCredentials)
            }
        }
    }

    /// The account a request acts on: the one `asked` for (a member may only name their own;
    /// another answers "not found"), else the member's own. The superadmin, outside every
    /// account, must name one.
    pub fn acting_account(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> Result<Uuid, DomainError> {
        match asked {
            Some(asked) => {
                self.authz.scope(principal, asked, "Account")?;
                Ok(asked)
            }
            None => principal.account_id().ok_or_else(|| {
                DomainError::validation("accountId", "accountId is required for the superadmin")
            }),
        }
    }

    /// Adds a user to the acting account (see [`Self::acting_account`]). Needs `users:write`;
    /// only owners (and the superadmin) may make someone an owner.
    pub async fn add_member(
        &self,
        principal: &Principal,
        account_id: Option<Uuid>,
        input: NewMember,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        self.authz.require(principal, Permission::UsersWrite)?;
        let account_id = self.acting_account(principal, account_id)?;
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
        let target = user_target(&user.member);
        self.audit(
            Some(account_id),
            &actor(principal),
            "user.created",
            Some(target),
            ip,
        )
        .await?;
        Ok(user.member)
    }

    /// The members of the acting account (see [`Self::acting_account`]). Needs `users:read`.
    pub async fn members(
        &self,
        principal: &Principal,
        account_id: Option<Uuid>,
    ) -> Result<Vec<Member>, DomainError> {
        self.authz.require(principal, Permission::UsersRead)?;
        let account_id = self.acting_account(principal, account_id)?;
        Ok(self.store.list_members(account_id).await?)
    }

    /// Gives a member another role. Needs `users:write`; only owners (and the superadmin) make
    /// or unmake owners, and an account always keeps an active owner.
    pub async fn change_role(
        &self,
        principal: &Principal,
        user_id: Uuid,
        role: Role,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        let member = self.member_to_manage(principal, user_id).await?;
        if member.role == role {
            return Ok(member);
        }
        if (role == Role::Owner || member.role == Role::Owner) && !acts_as_owner(principal) {
            return Err(DomainError::validation(
                "role",
                "only an owner can make or unmake an owner",
            ));
        }
        if member.role == Role::Owner {
            self.keep_an_owner(&member).await?;
        }
        self.store.update_role(user_id, role).await?;
        let target = format!(
            "user:{} ({}): {} -> {role}",
            user_id, member.email, member.role
        );
        self.audit(
            Some(member.account_id),
            &actor(principal),
            "user.role_changed",
            Some(target),
            ip,
        )
        .await?;
        Ok(Member { role, ..member })
    }

    /// Deactivates (ending their sessions and tokens) or reactivates a member. Needs
    /// `users:write`; nobody deactivates themselves, and an account always keeps an active
    /// owner.
    pub async fn set_active(
        &self,
        principal: &Principal,
        user_id: Uuid,
        active: bool,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        let member = self.member_to_manage(principal, user_id).await?;
        if member.is_active == active {
            return Ok(member);
        }
        if !active {
            if matches!(principal, Principal::Member { user_id: own, .. } if *own == user_id) {
                return Err(DomainError::validation(
                    "isActive",
                    "you cannot deactivate yourself",
                ));
            }
            if member.role == Role::Owner {
                if !acts_as_owner(principal) {
                    return Err(DomainError::validation(
                        "isActive",
                        "only an owner can deactivate an owner",
                    ));
                }
                self.keep_an_owner(&member).await?;
            }
        }
        self.store
            .set_user_active(user_id, active, time::now())
            .await?;
        let action = if active {
            "user.reactivated"
        } else {
            "user.deactivated"
        };
        self.audit(
            Some(member.account_id),
            &actor(principal),
            action,
            Some(user_target(&member)),
            ip,
        )
        .await?;
        Ok(Member {
            is_active: active,
            ..member
        })
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
        let Principal::Member { user_id, .. } = principal else {
            return Err(DomainError::validation(
                "password",
                "the break-glass admin's password is ADMIN_PASS; change it in the environment",
            ));
        };
        let user = self
            .store
            .find_user(*user_id)
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
            .update_password(*user_id, &hash, time::now())
            .await?;
        self.audit(
            Some(user.member.account_id),
            &user_actor(*user_id),
            "user.password_changed",
            Some(user_target(&user.member)),
            ip,
        )
        .await?;
        Ok(())
    }

    /// The audit trail, newest first: the caller's account, or for the superadmin `account_id`
    /// (every account when `None`). Needs `audit:read`.
    pub async fn audit_trail(
        &self,
        principal: &Principal,
        account_id: Option<Uuid>,
    ) -> Result<Vec<AuditEntry>, DomainError> {
        self.authz.require(principal, Permission::AuditRead)?;
        let account_id = match (principal, account_id) {
            (Principal::Superadmin { .. }, None) => None,
            (_, asked) => Some(self.acting_account(principal, asked)?),
        };
        Ok(self.store.list_audit(account_id).await?)
    }

    /// Every account (the superadmin's view); a member sees only their own.
    pub async fn accounts(&self, principal: &Principal) -> Result<Vec<Account>, DomainError> {
        match principal.account_id() {
            None => Ok(self.store.list_accounts().await?),
            Some(own) => Ok(self.store.find_account(own).await?.into_iter().collect()),
        }
    }

    /// The member `user_id`, if the caller may manage members of their account.
    async fn member_to_manage(
        &self,
        principal: &Principal,
        user_id: Uuid,
    ) -> Result<Member, DomainError> {
        self.authz.require(principal, Permission::UsersWrite)?;
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

    pub(super) async fn audit(
        &self,
        account_id: Option<Uuid>,
        actor: &str,
        action: &str,
        target: Option<String>,
        ip: Option<IpAddr>,
    ) -> Result<(), DomainError> {
        record_audit(self.store, account_id, actor, action, target, ip).await
    }
}

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

/// The account an operator's command acts on: `account_id` if given (it must exist), else the
/// only account; `None` when there is no account yet; an error when several exist.
pub(super) async fn operator_account(
    store: &dyn Store,
    account_id: Option<Uuid>,
) -> Result<Option<Account>, DomainError> {
    if let Some(id) = account_id {
        return match store.find_account(id).await? {
            Some(account) => Ok(Some(account)),
            None => Err(DomainError::NotFound { what: "Account" }),
        };
    }
    let mut accounts = store.list_accounts().await?;
    match accounts.len() {
        0 | 1 => Ok(accounts.pop()),
        _ => Err(DomainError::validation(
            "accountId",
            "several accounts exist: name one with --account-id",
        )),
    }
}

/// The principal a signed-in member acts as.
pub fn member_principal(member: &Member, via: CredentialKind) -> Principal {
    Principal::Member {
        user_id: member.user_id,
        account_id: member.account_id,
        role: member.role,
        via,
    }
}

async fn new_user_record(
    account_id: Uuid,
    email: &str,
    password: &str,
    role: Role,
) -> Result<UserRecord, DomainError> {
    let email = valid_email(email)?;
    password::validate(password)?;
    Ok(UserRecord {
        member: Member {
            user_id: Uuid::new_v4(),
            account_id,
            email,
            role,
            is_active: true,
            created_at: time::now(),
        },
        password_hash: password::hash(password).await,
        credentials_changed_at: None,
    })
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn valid_email(email: &str) -> Result<String, DomainError> {
    let email = normalize_email(email);
    let well_formed = email.chars().count() <= EMAIL_MAX_CHARS
        && !email.chars().any(char::is_whitespace)
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.contains('@')
                && !domain.starts_with('.') && !domain.ends_with('.'));
    if well_formed {
        Ok(email)
    } else {
        Err(DomainError::validation(
            "email",
            "email must be an address like name@example.com",
        ))
    }
}

fn email_conflict(err: StoreError) -> DomainError {
    match err {
        StoreError::Duplicate(_) => DomainError::Conflict {
            field: "email",
            message: "a user with this email already exists".into(),
        },
        other => other.into(),
    }
}

/// Owners and the superadmin may make, unmake and deactivate owners.
fn acts_as_owner(principal: &Principal) -> bool {
    match principal {
        Principal::Member { role, .. } => *role == Role::Owner,
        Principal::Superadmin { .. } => true,
    }
}

/// The audit trail's actor for the command line and start-up tasks (the demo).
pub(super) const OPERATOR: &str = "operator";

pub(super) fn actor(principal: &Principal) -> String {
    match principal {
        Principal::Member { user_id, .. } => user_actor(*user_id),
        Principal::Superadmin { .. } => "superadmin".into(),
    }
}

pub(super) fn user_actor(user_id: Uuid) -> String {
    format!("user:{user_id}")
}

fn user_target(member: &Member) -> String {
    format!(
        "user:{} ({}, {})",
        member.user_id, member.email, member.role
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lower_cased_and_checked() {
        assert_eq!(
            valid_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "a b@example.com",
            "ada@@example.com",
            "ada@.com",
        ] {
            assert!(
                matches!(
                    valid_email(bad),
                    Err(DomainError::Validation { field: "email", .. })
                ),
                "{bad:?} was accepted"
            );
        }
    }
}
