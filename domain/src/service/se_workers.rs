//! What the StreamElements workers and the domain ask of each other. The domain starts and
//! stops workers through [`SeWorkerControl`], which the server implements, so no door can
//! store a token and forget its worker. The workers read the decrypted tokens, report each
//! token's status and hold the lease on an account through [`SeWorkerService`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::token_cipher::{CipherError, TokenCipher};
use crate::{
    model::{time, SePlatform, SeTokenStatus},
    store::{SeTokenRecord, Store},
    DomainError,
};

pub use crate::store::SeTokenReport;

/// Runs the accounts' workers (implemented by the server's worker manager).
pub trait SeWorkerControl: Send + Sync {
    /// The account's tokens were stored or one was deleted: start its worker, or have the
    /// running one subscribe to what is stored now.
    fn start(&self, account_id: Uuid);
    /// The account's last token was deleted: stop its worker.
    fn stop(&self, account_id: Uuid);
}

/// Until the server installs its manager (tests of the domain, command-line tasks).
pub(super) struct NoWorkers;

impl SeWorkerControl for NoWorkers {
    fn start(&self, _: Uuid) {}
    fn stop(&self, _: Uuid) {}
}

/// A stored token as its worker uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerToken {
    pub id: Uuid,
    pub platform: SePlatform,
    /// The token's version: a replaced token has a new one.
    pub updated_at: DateTime<Utc>,
    pub status: SeTokenStatus,
    /// The JWT, or why it cannot be read with this installation's key.
    pub token: Result<String, CipherError>,
}

/// The workers' side of the domain. No principal: only the server's own workers call it.
pub struct SeWorkerService<'a> {
    store: &'a dyn Store,
    cipher: &'a TokenCipher,
}

impl<'a> SeWorkerService<'a> {
    pub(super) fn new(store: &'a dyn Store, cipher: &'a TokenCipher) -> Self {
        Self { store, cipher }
    }

    /// Every account with tokens, with its tokens (boot recovery and each reconcile).
    pub async fn accounts_with_tokens(&self) -> Result<Vec<(Uuid, Vec<WorkerToken>)>, DomainError> {
        let accounts = self.store.list_all_accounts_with_tokens().await?;
        Ok(accounts
            .into_iter()
            .map(|(account, records)| (account, self.readable(records)))
            .collect())
    }

    /// Records what the worker saw of a token (dropped if the token was replaced since).
    pub async fn report(&self, report: &SeTokenReport) -> Result<(), DomainError> {
        Ok(self.store.report_token_status(report).await?)
    }

    /// Takes or renews `holder`'s lease on the account's worker for `ttl`; `false` while
    /// another instance holds it.
    pub async fn claim_lease(
        &self,
        account_id: Uuid,
        holder: &str,
        ttl: Duration,
    ) -> Result<bool, DomainError> {
        let now = time::now();
        let until = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
        Ok(self
            .store
            .claim_worker_lease(account_id, holder, now, until)
            .await?)
    }

    pub async fn release_lease(&self, account_id: Uuid, holder: &str) -> Result<(), DomainError> {
        Ok(self.store.release_worker_lease(account_id, holder).await?)
    }

    fn readable(&self, records: Vec<SeTokenRecord>) -> Vec<WorkerToken> {
        records
            .into_iter()
            .map(|record| WorkerToken {
                id: record.id,
                platform: record.platform,
                updated_at: record.updated_at,
                status: record.status,
                token: self.cipher.decrypt(&record.token),
            })
            .collect()
    }
}
