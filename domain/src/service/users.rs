//! Users as the store keeps them: a new user's record (a valid email, the password hashed),
//! the principal a member acts as, and how the audit trail names them.

use uuid::Uuid;

use super::password;
use crate::{
    model::{time, CredentialKind, Member, Principal, Role},
    store::{StoreError, UserRecord},
    DomainError,
};

const EMAIL_MAX_CHARS: usize = 254;

/// The principal a signed-in member acts as.
pub fn member_principal(member: &Member, via: CredentialKind) -> Principal {
    Principal::Member {
        user_id: member.user_id,
        account_id: member.account_id,
        role: member.role,
        via,
    }
}

pub(super) async fn new_user_record(
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

pub(super) fn normalize_email(email: &str) -> String {
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

pub(super) fn email_conflict(err: StoreError) -> DomainError {
    match err {
        StoreError::Duplicate(_) => DomainError::Conflict {
            field: "email",
            message: "a user with this email already exists".into(),
        },
        other => other.into(),
    }
}

pub(super) fn user_target(member: &Member) -> String {
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
