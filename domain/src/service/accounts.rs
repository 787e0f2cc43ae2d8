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
            "operator",
            "user.created",
            Some(user_target(&user.member)),
            None,
        )
        .await?;
        Ok((account, user.member))
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

    /// Adds a user to `account_id`. Needs `users:write`; only owners (and the superadmin) may
    /// make someone an owner.
    pub async fn add_member(
        &self,
        principal: &Principal,
        account_id: Uuid,
        input: NewMember,
        ip: Option<IpAddr>,
    ) -> Result<Member, DomainError> {
        self.authz.require(principal, Permission::UsersWrite)?;
        self.authz.scope(principal, account_id, "Account")?;
        if input.role == Role::Owner
            && matches!(principal, Principal::Member { role, .. } if *role != Role::Owner)
        {
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

    /// The members of `account_id`. Needs `users:read`.
    pub async fn members(
        &self,
        principal: &Principal,
        account_id: Uuid,
    ) -> Result<Vec<Member>, DomainError> {
        self.authz.require(principal, Permission::UsersRead)?;
        self.authz.scope(principal, account_id, "Account")?;
        Ok(self.store.list_members(account_id).await?)
    }

    /// The audit trail of `account_id`, newest first. Needs `audit:read`.
    pub async fn audit_trail(
        &self,
        principal: &Principal,
        account_id: Uuid,
    ) -> Result<Vec<AuditEntry>, DomainError> {
        self.authz.require(principal, Permission::AuditRead)?;
        self.authz.scope(principal, account_id, "Account")?;
        Ok(self.store.list_audit(account_id).await?)
    }

    async fn audit(
        &self,
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
        Ok(self.store.insert_audit(&entry).await?)
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

fn actor(principal: &Principal) -> String {
    match principal {
        Principal::Member { user_id, .. } => user_actor(*user_id),
        Principal::Superadmin { .. } => "superadmin".into(),
    }
}

fn user_actor(user_id: Uuid) -> String {
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
