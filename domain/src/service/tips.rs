//! Tips: stored once each as the workers receive them, listed and totalled for the account's
//! people, and followed live (the dashboard's feed, the player's tip alerts).

use std::{collections::HashSet, sync::Arc};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AccountService, Domain};
use crate::{
    authz::Authorizer,
    model::{time, EventStatus, Permission, Principal, ReceivedTip, Tip, TipQuery, TipTotal},
    store::Store,
    DomainError, PlaybackRefusal,
};

/// At most this many tips per poll of a feed.
const FEED_BATCH: u32 = 100;

pub struct TipService<'a> {
    store: &'a Arc<dyn Store>,
    authz: &'a Authorizer,
    accounts: AccountService<'a>,
}

impl<'a> TipService<'a> {
    pub(super) fn new(
        store: &'a Arc<dyn Store>,
        authz: &'a Authorizer,
        accounts: AccountService<'a>,
    ) -> Self {
        Self {
            store,
            authz,
            accounts,
        }
    }

    /// The account's tips, newest first (needs `tips:read`).
    pub async fn list(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
        mut query: TipQuery,
    ) -> Result<Vec<Tip>, DomainError> {
        let account_id = self.readable_account(principal, asked).await?;
        if query.limit == 0 || query.limit > TipQuery::MAX_LIMIT {
            return Err(DomainError::validation(
                "limit",
                format!("limit must be 1 to {}", TipQuery::MAX_LIMIT),
            ));
        }
        if let (Some(since), Some(before)) = (query.since, query.before) {
            if since >= before {
                query.limit = 0;
            }
        }
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        Ok(self.store.list_tips(account_id, &query).await?)
    }

    /// Sums per currency of today's tips (from midnight UTC).
    pub async fn totals_today(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> Result<Vec<TipTotal>, DomainError> {
        let account_id = self.readable_account(principal, asked).await?;
        let midnight = time::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc();
        Ok(self.store.tip_totals(account_id, midnight).await?)
    }

    /// Stores a tip a worker received; `None` when it was stored before (a replay).
    pub async fn record(&self, tip: &ReceivedTip) -> Result<Option<Uuid>, DomainError> {
        let id = Uuid::new_v4();
        let fresh = self.store.insert_tip(id, tip, time::now()).await?;
        Ok(fresh.then_some(id))
    }

    async fn readable_account(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> Result<Uuid, DomainError> {
        self.authz.require(principal, Permission::TipsRead)?;
        self.accounts.acting_account(principal, asked).await
    }

    /// The account's tips from now on, for a dashboard feed (needs `tips:read`).
    pub async fn follow(
        &self,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> Result<TipFeed, DomainError> {
        let account_id = self.readable_account(principal, asked).await?;
        Ok(TipFeed::new(self.store.clone(), account_id))
    }
}

impl Domain {
    /// A viewer's tip alerts: the tips of the event's account from now on, while the event is
    /// live with `tipAlerts` on. Needs a valid playback token for the event.
    pub async fn viewer_tips(&self, token: &str, event_id: Uuid) -> Result<TipFeed, DomainError> {
        self.access_guard()
            .admit(token, event_id)
            .map_err(|_| PlaybackRefusal::InvalidToken)?;
        let event = self.store.find_event(event_id).await?;
        let alerting = event.filter(|event| {
            event.tip_alerts
                && event.is_active
                && EventStatus::of(event, time::now()) == EventStatus::Live
        });
        match alerting.and_then(|event| event.account_id) {
            Some(account_id) => Ok(TipFeed::new(self.store.clone(), account_id)),
            None => Err(DomainError::NotFound { what: "Tip alerts" }),
        }
    }
}

/// One account's tips as they arrive, whichever instance's worker stored them: each
/// [`TipFeed::next`] returns those stored since the last.
pub struct TipFeed {
    store: Arc<dyn Store>,
    account_id: Uuid,
    /// The arrival time of the newest tip returned, and the tips returned that arrived then.
    after: DateTime<Utc>,
    shown_at_after: HashSet<Uuid>,
}

impl TipFeed {
    pub(crate) fn new(store: Arc<dyn Store>, account_id: Uuid) -> Self {
        Self {
            store,
            account_id,
            after: time::now(),
            shown_at_after: HashSet::new(),
        }
    }

    /// Tips stored since the previous call (oldest first); empty when none came.
    pub async fn next(&mut self) -> Result<Vec<Tip>, DomainError> {
        let arrived = self
            .store
            .tips_received_after(self.account_id, self.after, FEED_BATCH)
            .await?;
        let mut fresh = Vec::new();
        for (tip, received_at) in arrived {
            if received_at == self.after && self.shown_at_after.contains(&tip.id) {
                continue;
            }
            if received_at > self.after {
                self.after = received_at;
                self.shown_at_after.clear();
            }
            self.shown_at_after.insert(tip.id);
            fresh.push(tip);
        }
        Ok(fresh)
    }
}
