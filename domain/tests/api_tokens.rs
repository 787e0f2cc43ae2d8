//! API tokens through the domain service, on SQLite and PostgreSQL alike: minting within the
//! minter's reach, what a token acts as, the refusals, revocation, expiry and allowed addresses.

use std::{net::IpAddr, sync::Arc};

use chrono::Duration;
use streamgate_domain::{
    assert_refused,
    authz::Authorizer,
    model::{
        time, CredentialKind, MintedApiToken, NewApiToken, NewMember, Permission, Principal, Role,
        TokenScope,
    },
    service::Domain,
    store::Store,
    testing::{account_owner, PASSWORD},
    DomainError,
};
use uuid::Uuid;

fn ask(name: &str, scope: TokenScope) -> NewApiToken {
    NewApiToken {
        name: name.into(),
        scope,
        account_id: None,
        role: None,
        allowed_ips: Vec::new(),
        expires_at: None,
    }
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

const SUPERADMIN: Principal = Principal::Superadmin {
    via: CredentialKind::AdminJwt,
};

async fn mint(domain: &Domain, by: &Principal, asked: NewApiToken) -> MintedApiToken {
    domain.api_tokens().mint(by, asked, None).await.unwrap()
}

async fn acts_as(domain: &Domain, minted: &MintedApiToken) -> Result<Principal, DomainError> {
    domain.api_tokens().principal(&minted.token, None).await
}

async fn an_account_token_acts_in_its_account_with_its_role(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let account_id = owner.account_id().unwrap();
    let minted = mint(&domain, &owner, ask("shop", TokenScope::Account)).await;
    assert_eq!(minted.details.account_id, Some(account_id));
    assert_eq!(minted.details.role, Some(Role::Owner), "the minter's role");
    assert_eq!(minted.details.prefix, minted.token[..8]);
    assert_eq!(minted.details.last_used_at, None);
    let principal = acts_as(&domain, &minted).await.unwrap();
    assert_eq!(
        principal,
        Principal::ApiToken {
            token_id: minted.details.id,
            account_id,
            role: Role::Owner
        }
    );
    // The trail names who minted it.
    let trail = domain.accounts().audit_trail(&owner, None).await.unwrap();
    assert!(trail.iter().any(|entry| entry.action == "api_token.created"
        && entry.target.as_deref() == Some(&*format!("api_token:{} (shop)", minted.details.id))));
    // Used once: lastUsedAt is now set, and listing never shows the token itself.
    let listed = domain.api_tokens().list(&owner).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());
}

async fn a_role_above_the_minters_and_a_global_token_from_a_member_are_refused(
    store: Arc<dyn Store>,
) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let account_id = owner.account_id().unwrap();
    let admin = NewMember {
        email: "admin@example.com".into(),
        password: PASSWORD.into(),
        role: Role::Administrator,
    };
    let member = domain
        .accounts()
        .add_member(&owner, Some(account_id), admin, None)
        .await
        .unwrap();
    let admin = streamgate_domain::service::member_principal(&member, CredentialKind::UserJwt);
    let mut above = ask("too much", TokenScope::Account);
    above.role = Some(Role::Owner);
    assert_refused!(
        domain.api_tokens().mint(&admin, above, None).await,
        DomainError::NotAllowed { .. }
    );
    assert_refused!(
        domain
            .api_tokens()
            .mint(&admin, ask("everything", TokenScope::Global), None)
            .await,
        DomainError::NotAllowed { .. }
    );
    let mut below = ask("editor", TokenScope::Account);
    below.role = Some(Role::Editor);
    let editor_token = mint(&domain, &admin, below).await;
    let editor = acts_as(&domain, &editor_token).await.unwrap();
    assert!(editor.holds(Permission::CodesCreate) && !editor.holds(Permission::ApiTokensCreate));
    // A token acting as an editor cannot mint at all.
    assert_refused!(
        domain
            .api_tokens()
            .mint(&editor, ask("x", TokenScope::Account), None)
            .await,
        DomainError::Forbidden {
            permission: Permission::ApiTokensCreate
        }
    );
}

async fn a_global_token_acts_as_the_superadmin(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let minted = mint(&domain, &SUPERADMIN, ask("ops", TokenScope::Global)).await;
    assert_eq!(
        (minted.details.account_id, minted.details.role),
        (None, None)
    );
    assert_eq!(
        acts_as(&domain, &minted).await.unwrap(),
        Principal::Superadmin {
            via: CredentialKind::ApiToken
        }
    );
    // The superadmin must say which account an account token is for.
    assert_refused!(
        domain
            .api_tokens()
            .mint(&SUPERADMIN, ask("x", TokenScope::Account), None)
            .await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
}

async fn a_revoked_token_is_refused_at_once_and_others_accounts_tokens_are_not_found(
    store: Arc<dyn Store>,
) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let other = account_owner(&domain, "other@example.com").await;
    let minted = mint(&domain, &owner, ask("shop", TokenScope::Account)).await;
    acts_as(&domain, &minted).await.unwrap(); // now cached
    assert_refused!(
        domain
            .api_tokens()
            .revoke(&other, minted.details.id, None)
            .await,
        DomainError::NotFound { .. }
    );
    assert!(domain.api_tokens().list(&other).await.unwrap().is_empty());
    domain
        .api_tokens()
        .revoke(&owner, minted.details.id, None)
        .await
        .unwrap();
    assert_refused!(
        acts_as(&domain, &minted).await,
        DomainError::Unauthenticated {
            reason: "Invalid or revoked API token"
        }
    );
    assert_refused!(
        domain
            .api_tokens()
            .revoke(&owner, Uuid::new_v4(), None)
            .await,
        DomainError::NotFound { .. }
    );
    let trail = domain.accounts().audit_trail(&owner, None).await.unwrap();
    assert!(trail
        .iter()
        .any(|entry| entry.action == "api_token.revoked"));
}

async fn expired_unknown_and_out_of_range_tokens_are_refused_alike(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@example.com").await;
    let mut limited = ask("office", TokenScope::Account);
    limited.allowed_ips = vec!["10.0.0.0/8".into(), "192.0.2.7".into()];
    let minted = mint(&domain, &owner, limited).await;
    let tokens = domain.api_tokens();
    assert!(tokens
        .principal(&minted.token, ip("10.9.8.7"))
        .await
        .is_ok());
    assert!(tokens
        .principal(&minted.token, ip("192.0.2.7"))
        .await
        .is_ok());
    for refused in [
        tokens.principal(&minted.token, ip("192.0.2.8")).await,
        tokens.principal(&minted.token, None).await,
        tokens.principal("sk_not-a-token", None).await,
        tokens.principal(&format!("{}x", minted.token), None).await,
    ] {
        assert_refused!(
            refused,
            DomainError::Unauthenticated {
                reason: "Invalid or revoked API token"
            }
        );
    }
    let mut past = ask("old", TokenScope::Account);
    past.expires_at = Some(time::now() - Duration::seconds(1));
    assert_refused!(
        tokens.mint(&owner, past, None).await,
        DomainError::Validation {
            field: "expiresAt",
            ..
        }
    );
    let mut bad = ask("bad", TokenScope::Account);
    bad.allowed_ips = vec!["10.0.0.0/33".into()];
    assert_refused!(
        tokens.mint(&owner, bad, None).await,
        DomainError::Validation {
            field: "allowedIps",
            ..
        }
    );
    assert_refused!(
        tokens
            .mint(&owner, ask(" ", TokenScope::Account), None)
            .await,
        DomainError::Validation { field: "name", .. }
    );
    // Expiry is checked on every use, cached or not.
    let mut soon = ask("soon", TokenScope::Account);
    soon.expires_at = Some(time::now() + Duration::milliseconds(300));
    let soon = mint(&domain, &owner, soon).await;
    assert!(acts_as(&domain, &soon).await.is_ok());
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_refused!(
        acts_as(&domain, &soon).await,
        DomainError::Unauthenticated { .. }
    );
}

/// Another instance (another domain on the same database) honours a revocation once its
/// cached lookup has expired, within five seconds.
async fn another_instance_honours_a_revocation_within_five_seconds(store: Arc<dyn Store>) {
    let here = Domain::new(store.clone(), Authorizer::default());
    let there = Domain::new(store, Authorizer::default());
    let owner = account_owner(&here, "owner@example.com").await;
    let minted = mint(&here, &owner, ask("shop", TokenScope::Account)).await;
    assert!(acts_as(&there, &minted).await.is_ok());
    here.api_tokens()
        .revoke(&owner, minted.details.id, None)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while acts_as(&there, &minted).await.is_ok() {
        assert!(started.elapsed().as_secs_f64() < 5.5, "still accepted");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

streamgate_domain::on_both_backends!(
    an_account_token_acts_in_its_account_with_its_role,
    a_role_above_the_minters_and_a_global_token_from_a_member_are_refused,
    a_global_token_acts_as_the_superadmin,
    a_revoked_token_is_refused_at_once_and_others_accounts_tokens_are_not_found,
    expired_unknown_and_out_of_range_tokens_are_refused_alike,
    another_instance_honours_a_revocation_within_five_seconds,
);
