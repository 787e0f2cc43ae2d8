//! API tokens (seed 001's `sk_…`): minting, listing, revoking, and resolving a presented token
//! to the principal it acts as. A token is shown once; only its SHA-256 is stored.

use std::net::IpAddr;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use ipnet::IpNet;
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    audit::{actor, record_audit},
    token_cache::TokenCache,
    AccountService,
};
use crate::{
    authz::Authorizer,
    model::{
        time, ApiToken, CredentialKind, MintedApiToken, NewApiToken, Permission, Principal, Role,
        TokenScope, API_TOKEN_NAME_MAX_CHARS, API_TOKEN_PREFIX, API_TOKEN_SHOWN_CHARS,
    },
    store::{ApiTokenRecord, Store},
    DomainError,
};

/// What every refused token is told, whatever the reason (seed 001).
const REFUSED: DomainError = DomainError::Unauthenticated {
    reason: "Invalid or revoked API token",
};
/// At most this many allowed addresses or ranges per token.
const MAX_ALLOWED_IPS: usize = 100;

pub struct ApiTokenService<'a> {
    store: &'a dyn Store,
    authz: &'a Authorizer,
    accounts: AccountService<'a>,
    cache: &'a TokenCache,
}

impl<'a> ApiTokenService<'a> {
    pub(super) fn new(
        store: &'a dyn Store,
        authz: &'a Authorizer,
        accounts: AccountService<'a>,
        cache: &'a TokenCache,
    ) -> Self {
        Self {
            store,
            authz,
            accounts,
            cache,
        }
    }

    /// Mints a token (needs `api-tokens:create`). A global token only the superadmin (or the
    /// operator) mints; an account token acts with at most the minter's role.
    pub async fn mint(
        &self,
        principal: &Principal,
        asked: NewApiToken,
        ip: Option<IpAddr>,
    ) -> Result<MintedApiToken, DomainError> {
        self.authz.require(principal, Permission::ApiTokensCreate)?;
        let name = asked.name.trim();
        if name.is_empty() || name.chars().count() > API_TOKEN_NAME_MAX_CHARS {
            return Err(DomainError::validation(
                "name",
                format!("name must be 1 to {API_TOKEN_NAME_MAX_CHARS} characters"),
            ));
        }
        let allowed_ips = valid_networks(&asked.allowed_ips)?;
        let now = time::now();
        if asked.expires_at.is_some_and(|at| at <= now) {
            return Err(DomainError::validation(
                "expiresAt",
                "expiresAt must be in the future",
            ));
        }
        let (account_id, role) = match asked.scope {
            TokenScope::Global => {
                if principal.account_id().is_some() {
                    return Err(DomainError::NotAllowed {
                        message: "Only the superadmin can mint a global token",
                    });
                }
                if asked.account_id.is_some() || asked.role.is_some() {
                    return Err(DomainError::validation(
                        "scope",
                        "a global token has no accountId or role",
                    ));
                }
                (None, None)
            }
            TokenScope::Account => {
                let account = self
                    .accounts
                    .acting_account(principal, asked.account_id)
                    .await?;
                // The superadmin and the operator stand above every role.
                let ceiling = principal.role().unwrap_or(Role::Owner);
                let role = asked.role.unwrap_or(ceiling);
                if !role.is_within(ceiling) {
                    return Err(DomainError::NotAllowed {
                        message: "A token cannot have a role above its minter's",
                    });
                }
                (Some(account), Some(role))
            }
        };
        let token = new_token();
        let details = ApiToken {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            scope: asked.scope,
            account_id,
            role,
            prefix: token.chars().take(API_TOKEN_SHOWN_CHARS).collect(),
            allowed_ips,
            created_at: now,
            expires_at: asked.expires_at,
            last_used_at: None,
        };
        let record = ApiTokenRecord {
            token: details.clone(),
            token_hash: digest(&token),
        };
        self.store.insert_api_token(&record).await?;
        let target = Some(token_target(&details));
        let actor = actor(principal);
        record_audit(
            self.store,
            account_id,
            &actor,
            "api_token.created",
            target,
            ip,
        )
        .await?;
        Ok(MintedApiToken { details, token })
    }

    /// The caller's account's tokens; the superadmin's and the operator's view is every token.
    /// Needs `api-tokens:read`.
    pub async fn list(&self, principal: &Principal) -> Result<Vec<ApiToken>, DomainError> {
        self.authz.require(principal, Permission::ApiTokensRead)?;
        Ok(self.store.list_api_tokens(principal.account_id()).await?)
    }

    /// Revokes a token at once on this instance (and within the cache's lifetime on others).
    /// Needs `api-tokens:delete`; another account's token, or a global one for a member, is
    /// "not found".
    pub async fn revoke(
        &self,
        principal: &Principal,
        id: Uuid,
        ip: Option<IpAddr>,
    ) -> Result<(), DomainError> {
        self.authz.require(principal, Permission::ApiTokensDelete)?;
        let visible = self
            .store
            .list_api_tokens(principal.account_id())
            .await?
            .into_iter()
            .any(|token| token.id == id);
        if !visible {
            return Err(DomainError::NotFound { what: "API token" });
        }
        let deleted = self
            .store
            .delete_api_token(id)
            .await?
            .ok_or(DomainError::NotFound { what: "API token" })?;
        self.cache.forget_all();
        let target = Some(token_target(&deleted));
        let actor = actor(principal);
        let account = deleted.account_id;
        record_audit(self.store, account, &actor, "api_token.revoked", target, ip).await?;
        Ok(())
    }

    /// The principal a presented `sk_…` token acts as, used from `client`. Unknown, revoked,
    /// expired and out-of-range all get the same refusal.
    pub async fn principal(
        &self,
        presented: &str,
        client: Option<IpAddr>,
    ) -> Result<Principal, DomainError> {
        if !presented.starts_with(API_TOKEN_PREFIX) {
            return Err(REFUSED);
        }
        let hash = digest(presented);
        let token = match self.cache.get(&hash) {
            Some(cached) => cached,
            None => {
                let found = self.store.find_api_token(&hash).await?;
                self.cache.put(hash, found.clone());
                found
            }
        }
        .ok_or(REFUSED)?;
        let now = time::now();
        if token.expires_at.is_some_and(|at| at <= now) || !admits(&token.allowed_ips, client) {
            return Err(REFUSED);
        }
        if self.cache.due_for_touch(token.id) {
            let not_before = now - chrono::Duration::from_std(TokenCache::TOUCH_EVERY).unwrap();
            self.store
                .touch_api_token(token.id, now, not_before)
                .await?;
        }
        Ok(match (token.account_id, token.role) {
            (Some(account_id), Some(role)) => Principal::ApiToken {
                token_id: token.id,
                account_id,
                role,
            },
            _ => Principal::Superadmin {
                via: CredentialKind::ApiToken,
            },
        })
    }
}

/// `sk_` and 32 random bytes in unpadded base64url (43 characters).
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{API_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The hex SHA-256 a token is stored and looked up by.
fn digest(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

fn token_target(token: &ApiToken) -> String {
    format!("api_token:{} ({})", token.id, token.name)
}

/// Each entry must be an address or a CIDR range; kept as written (trimmed).
fn valid_networks(entries: &[String]) -> Result<Vec<String>, DomainError> {
    if entries.len() > MAX_ALLOWED_IPS {
        return Err(DomainError::validation(
            "allowedIps",
            format!("at most {MAX_ALLOWED_IPS} addresses or ranges"),
        ));
    }
    entries
        .iter()
        .map(|entry| {
            let entry = entry.trim();
            network(entry).map(|_| entry.to_owned()).ok_or_else(|| {
                DomainError::validation(
                    "allowedIps",
                    format!("`{entry}` is neither an IP address nor a CIDR range"),
                )
            })
        })
        .collect()
}

fn network(entry: &str) -> Option<IpNet> {
    entry
        .parse::<IpNet>()
        .ok()
        .or_else(|| entry.parse::<IpAddr>().ok().map(IpNet::from))
}

/// Whether `client` may use a token limited to `allowed` (empty: anyone).
fn admits(allowed: &[String], client: Option<IpAddr>) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let Some(client) = client.map(|ip| ip.to_canonical()) else {
        return false;
    };
    allowed
        .iter()
        .filter_map(|entry| network(entry))
        .any(|net| net.contains(&client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_sk_and_43_base64url_characters() {
        let token = new_token();
        let body = token.strip_prefix("sk_").unwrap();
        assert_eq!(body.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(body).unwrap().len(), 32);
        assert_ne!(new_token(), token);
        assert_eq!(digest(&token).len(), 64);
    }

    #[test]
    fn allowed_ips_take_addresses_and_ranges() {
        let allowed = vec!["10.0.0.0/8".to_owned(), "2001:db8::1".to_owned()];
        let ip = |text: &str| Some(text.parse::<IpAddr>().unwrap());
        assert!(admits(&allowed, ip("10.1.2.3")));
        assert!(admits(&allowed, ip("::ffff:10.1.2.3")));
        assert!(admits(&allowed, ip("2001:db8::1")));
        assert!(!admits(&allowed, ip("192.168.0.1")));
        assert!(!admits(&allowed, None));
        assert!(admits(&[], None));
        assert!(valid_networks(&["300.0.0.1".to_owned()]).is_err());
        assert_eq!(
            valid_networks(&[" 127.0.0.1 ".to_owned()]).unwrap(),
            ["127.0.0.1"]
        );
    }
}
