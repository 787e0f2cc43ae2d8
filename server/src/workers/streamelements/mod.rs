//! The StreamElements workers (seed 000's WorkerManager): one Astro connection per account
//! with tokens, on exactly one instance. Every few seconds, and at once when a door changes
//! an account's tokens, the manager reconciles: it takes or renews the lease on each account
//! with tokens, runs a worker for each account it holds with the tokens stored now, and stops
//! the workers of accounts it lost or whose tokens are gone. At boot the first reconcile
//! brings every worker back.

mod astro;
mod backoff;
mod connection;
mod frames;

use std::{collections::HashMap, sync::Arc, time::Duration};

use streamgate_domain::{
    model::SeTokenStatus,
    service::{Domain, SeTokenReport, SeWorkerControl, WorkerToken},
    DomainError,
};
use tokio::{
    sync::{mpsc, watch},
    task::JoinHandle,
};
use tokio_util::sync::CancellationToken;
use url::Url;
use uuid::Uuid;

use astro::AccountWorker;

/// What the workers are configured with.
#[derive(Clone, Debug)]
pub struct SeWorkerSettings {
    /// `STREAMGATE_SE_ASTRO_URL`.
    pub astro_url: Url,
    /// How long a lease holds without renewal; it is renewed every quarter of that, so another
    /// instance takes a dead holder's accounts over within 1¼ leases.
    pub lease: Duration,
}

/// The domain's handle on the workers: a door's change wakes the manager.
pub struct SeWorkers {
    wake: mpsc::UnboundedSender<()>,
}

impl SeWorkerControl for SeWorkers {
    fn start(&self, _: Uuid) {
        let _ = self.wake.send(());
    }

    fn stop(&self, _: Uuid) {
        let _ = self.wake.send(());
    }
}

/// The manager's loop, until shutdown.
pub struct Manager {
    settings: SeWorkerSettings,
    url: Arc<Url>,
    /// This instance's name on the leases it holds.
    holder: String,
    wake: mpsc::UnboundedReceiver<()>,
    running: HashMap<Uuid, Running>,
}

struct Running {
    tokens: watch::Sender<Vec<WorkerToken>>,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// The control handle to give the domain, and the manager to run.
pub fn manager(settings: SeWorkerSettings) -> (Arc<SeWorkers>, Manager) {
    let (wake, woken) = mpsc::unbounded_channel();
    let manager = Manager {
        url: Arc::new(settings.astro_url.clone()),
        settings,
        holder: format!("{}:{}", std::process::id(), Uuid::new_v4()),
        wake: woken,
        running: HashMap::new(),
    };
    (Arc::new(SeWorkers { wake }), manager)
}

impl Manager {
    pub async fn run(mut self, domain: Domain, stop: CancellationToken) {
        let mut every = tokio::time::interval(self.settings.lease / 4);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                _ = every.tick() => {}
                Some(()) = self.wake.recv() => while self.wake.try_recv().is_ok() {},
            }
            if let Err(err) = self.reconcile(&domain).await {
                tracing::warn!(error = %err, "StreamElements workers: reconcile failed");
            }
        }
        let accounts: Vec<Uuid> = self.running.keys().copied().collect();
        for account in accounts {
            self.stop_worker(&domain, account, true).await;
        }
    }

    async fn reconcile(&mut self, domain: &Domain) -> Result<(), DomainError> {
        let accounts = domain.se_workers().accounts_with_tokens().await?;
        let workers = domain.se_workers();
        let mut kept = Vec::with_capacity(accounts.len());
        for (account, tokens) in accounts {
            if !workers
                .claim_lease(account, &self.holder, self.settings.lease)
                .await?
            {
                // Another instance runs it (or took it over while this one stalled).
                if self.running.contains_key(&account) {
                    self.stop_worker(domain, account, false).await;
                }
                continue;
            }
            kept.push(account);
            match self.running.get(&account) {
                Some(running) => {
                    running.tokens.send_if_modified(|current| {
                        let changed = versions(current) != versions(&tokens);
                        if changed {
                            *current = tokens;
                        }
                        changed
                    });
                }
                None => self.start_worker(domain, account, tokens),
            }
        }
        let gone: Vec<Uuid> = self
            .running
            .keys()
            .filter(|account| !kept.contains(account))
            .copied()
            .collect();
        for account in gone {
            self.stop_worker(domain, account, false).await;
            workers.release_lease(account, &self.holder).await?;
        }
        Ok(())
    }

    fn start_worker(&mut self, domain: &Domain, account_id: Uuid, tokens: Vec<WorkerToken>) {
        tracing::info!(account = %account_id, tokens = tokens.len(), "StreamElements worker starting");
        let (sender, receiver) = watch::channel(tokens);
        let stop = CancellationToken::new();
        let worker = AccountWorker {
            account_id,
            domain: domain.clone(),
            url: self.url.clone(),
            tokens: receiver,
            stop: stop.clone(),
        };
        let task = tokio::spawn(worker.run());
        let running = Running {
            tokens: sender,
            stop,
            task,
        };
        self.running.insert(account_id, running);
    }

    /// Stops an account's worker; at shutdown its tokens show `stopped` and the lease is
    /// given up, so another instance can take the account at once.
    async fn stop_worker(&mut self, domain: &Domain, account_id: Uuid, shutdown: bool) {
        let Some(running) = self.running.remove(&account_id) else {
            return;
        };
        running.stop.cancel();
        let _ = running.task.await;
        tracing::info!(account = %account_id, "StreamElements worker stopped");
        if !shutdown {
            return;
        }
        let workers = domain.se_workers();
        // As of the last reconcile; a refused token stays refused across restarts.
        let tokens = running.tokens.borrow().clone();
        let shown = tokens
            .iter()
            .filter(|token| token.status != SeTokenStatus::Unauthorized);
        for token in shown {
            let report = SeTokenReport {
                id: token.id,
                updated_at: token.updated_at,
                status: SeTokenStatus::Stopped,
                last_error: None,
                connected_at: None,
            };
            if let Err(err) = workers.report(&report).await {
                tracing::warn!(error = %err, "could not record an SE token as stopped");
            }
        }
        if let Err(err) = workers.release_lease(account_id, &self.holder).await {
            tracing::warn!(error = %err, "could not release a StreamElements lease");
        }
    }
}

/// What tells one set of stored tokens from another: ids and versions, not statuses.
fn versions(tokens: &[WorkerToken]) -> Vec<(Uuid, chrono::DateTime<chrono::Utc>)> {
    tokens.iter().map(|t| (t.id, t.updated_at)).collect()
}
