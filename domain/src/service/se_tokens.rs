//! StreamElements tokens (seed 000): storing, listing and deleting an account's SE JWTs, and
//! starting or stopping its worker as they change, whichever door asked.

use std::net::IpAddr;

use uuid::Uuid;

use super::{
    audit::{actor, record_audit},
    se_workers::SeWorkerControl,
    token_cipher::TokenCipher,
    AccountService,
};
use crate::{
    authz::Authorizer,
    model::{
        time, token_hint, NewSeToken, Permission, Principal, SePlatform, SeToken, SeTokenStatus,
        MASKED_TOKEN, SE_TOKEN_LABEL_MAX_CHARS,
    },
    store::{SeTokenRecord, Store},
    DomainError,
};

pub struct SeTokenService<'a> {
    store: &'a dyn Store,
    authz: &'a Authorizer,
    accounts: AccountService<'a>,
    cipher: &'a TokenCipher,
    workers: &'a dyn SeWorkerControl,
}

impl<'a> SeTokenService<'a> {
    pub(super) fn new(
        store: &'a dyn Store,
        authz: &'a Authorizer,
        accounts: AccountService<'a>,
        cipher: &'a TokenCipher,
        workers: &'a dyn SeWorkerControl,
    ) -> Self {
        Self {
            store,
            authz,
            accounts,
            cipher,
            workers,
        }
    }

    /// The account's tokens by platform, masked (needs `se-tokens:read`). `asked` names the
    /// account as elsewhere: a member's own by default; the superadmin must name one.
    pub async fn list(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> Result<Vec<SeToken>, DomainError> {
        self.authz.require(principal, Permission::SeTokensRead)?;
        let account_id = self.accounts.acting_account(principal, asked).await?;
        let records = self.store.list_tokens(account_id).await?;
        Ok(records.iter().map(|record| self.shown(record)).collect())
    }

    /// Stores the account's token for the platform, replacing one there, and starts (or
    /// re-subscribes) the account's worker. Needs `se-tokens:create`.
    pub async fn create(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
        input: NewSeToken,
        ip: Option<IpAddr>,
    ) -> Result<SeToken, DomainError> {
        self.authz.require(principal, Permission::SeTokensCreate)?;
        let platform = SePlatform::from_field(&input.platform)?;
        let token = input.token.trim();
        if token.is_empty() {
            return Err(DomainError::validation("token", "token must not be empty"));
        }
        let label = input
            .label
            .map(|label| label.trim().to_owned())
            .filter(|label| !label.is_empty());
        if label
            .as_ref()
            .is_some_and(|label| label.chars().count() > SE_TOKEN_LABEL_MAX_CHARS)
        {
            return Err(DomainError::validation(
                "label",
                format!("label must be at most {SE_TOKEN_LABEL_MAX_CHARS} characters"),
            ));
        }
        let account_id = self.accounts.acting_account(principal, asked).await?;
        let now = time::now();
        let record = SeTokenRecord {
            id: Uuid::new_v4(),
            account_id,
            platform,
            token: self.cipher.encrypt(token),
            label,
            created_at: now,
            updated_at: now,
            status: SeTokenStatus::Connecting,
            last_error: None,
            connected_at: None,
        };
        let stored = self.store.upsert_token(&record).await?;
        let action = if stored.id == record.id {
            "se_token.created"
        } else {
            "se_token.replaced"
        };
        let target = Some(format!("se_token:{} ({platform})", stored.id));
        let actor = actor(principal);
        record_audit(self.store, Some(account_id), &actor, action, target, ip).await?;
        self.workers.start(account_id);
        Ok(self.shown(&stored))
    }

    /// Deletes one of the account's tokens; the account's last one stops its worker. Needs
    /// `se-tokens:delete`; another account's token is "not found".
    pub async fn delete(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
        id: Uuid,
        ip: Option<IpAddr>,
    ) -> Result<(), DomainError> {
        self.authz.require(principal, Permission::SeTokensDelete)?;
        let account_id = self.accounts.acting_account(principal, asked).await?;
        let deleted = self
            .store
            .delete_token(account_id, id)
            .await?
            .ok_or(DomainError::NotFound { what: "SE token" })?;
        let target = Some(format!("se_token:{} ({})", deleted.id, deleted.platform));
        let actor = actor(principal);
        let action = "se_token.deleted";
        record_audit(self.store, Some(account_id), &actor, action, target, ip).await?;
        if self.store.has_tokens(account_id).await? {
            // The worker drops the deleted platform's subscription.
            self.workers.start(account_id);
        } else {
            self.workers.stop(account_id);
        }
        Ok(())
    }

    /// A stored token as doors show it. One that cannot be decrypted (another key) is `****`
    /// and, since its worker cannot use it, reported as an error.
    fn shown(&self, record: &SeTokenRecord) -> SeToken {
        let (token_hint, status) = match self.cipher.decrypt(&record.token) {
            Ok(token) => (token_hint(&token), record.status),
            Err(_) => (MASKED_TOKEN.to_owned(), SeTokenStatus::Error),
        };
        SeToken {
            id: record.id,
            platform: record.platform,
            token_hint,
            label: record.label.clone(),
            created_at: record.created_at,
            updated_at: record.updated_at,
            status,
        }
    }
}
