//! Events: the streams organizers sell access to. Creating, reading, listing, changing,
//! switching on and off, archiving and deleting them; every change is audited.

use std::net::IpAddr;

use uuid::Uuid;

use super::{
    audit::{actor, record_audit},
    event_rules::{new_event, non_empty, validated},
    quotas::quota_check,
    Context,
};
use crate::{
    model::{
        time, AccessChange, AccessChangeKind, CodeQuery, DashboardStats, Event, EventCounts,
        EventPatch, EventQuery, EventSummary, NewEvent, Page, PageRequest, Permission, Principal,
        QuotaMetric,
    },
    DomainError,
};

const NOT_FOUND: DomainError = DomainError::NotFound { what: "Event" };

pub struct EventService<'a> {
    context: Context<'a>,
}

/// The switches of seed 002's `PATCH /api/admin/events/:id/{activate,deactivate,archive,unarchive}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventSwitch {
    Activate,
    Deactivate,
    Archive,
    Unarchive,
}

impl EventSwitch {
    fn audit_action(self) -> &'static str {
        match self {
            EventSwitch::Activate => "event.activated",
            EventSwitch::Deactivate => "event.deactivated",
            EventSwitch::Archive => "event.archived",
            EventSwitch::Unarchive => "event.unarchived",
        }
    }

    fn apply(self, event: &mut Event) {
        match self {
            EventSwitch::Activate => event.is_active = true,
            EventSwitch::Deactivate => event.is_active = false,
            EventSwitch::Archive => event.is_archived = true,
            EventSwitch::Unarchive => event.is_archived = false,
        }
    }
}

impl<'a> EventService<'a> {
    pub(super) fn new(context: Context<'a>) -> Self {
        Self { context }
    }

    /// A new event in `account_id`. Needs `events:write` in that account; refused past the
    /// account's event quota (whoever asks).
    pub async fn create(
        &self,
        principal: &Principal,
        account_id: Uuid,
        input: NewEvent,
        ip: Option<IpAddr>,
    ) -> Result<Event, DomainError> {
        self.context
            .authz
            .require(principal, Permission::EventsWrite)?;
        self.context.authz.scope(principal, account_id, "Account")?;
        let event = validated(new_event(Some(account_id), input, time::now()))?;
        let quota = quota_check(&self.context, event.account_id, QuotaMetric::Events).await?;
        self.context.store.insert_event(&event, quota).await?;
        tracing::info!(event_id = %event.id, title = %event.title, "event created");
        self.audit(&actor(principal), &event, "event.created", ip)
            .await?;
        Ok(event)
    }

    /// One event. Needs `events:read`; another account's event is not found.
    pub async fn get(&self, principal: &Principal, id: Uuid) -> Result<Event, DomainError> {
        self.permitted(principal, id, Permission::EventsRead).await
    }

    /// One event with its code count (seed 002 `GET /api/admin/events/:id`).
    pub async fn get_summary(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<EventSummary, DomainError> {
        let event = self.get(principal, id).await?;
        let query = CodeQuery {
            event_id: Some(id),
            page: PageRequest::first(0),
            ..CodeQuery::default()
        };
        let (_, codes) = self
            .context
            .store
            .list_codes(event.account_id, &query, None, time::now())
            .await?;
        Ok(EventSummary {
            event,
            count: EventCounts { codes },
        })
    }

    /// The event `id`, if the caller holds `permission` and sees the event.
    async fn permitted(
        &self,
        principal: &Principal,
        id: Uuid,
        permission: Permission,
    ) -> Result<Event, DomainError> {
        self.context.authz.require(principal, permission)?;
        self.visible(principal, id).await
    }

    /// An event the caller's account owns (any event for the superadmin and the operator),
    /// whatever the enforcement mode.
    pub(super) async fn visible(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<Event, DomainError> {
        let event = self.context.store.find_event(id).await?.ok_or(NOT_FOUND)?;
        match event.account_id {
            Some(owner) => self.context.authz.scope(principal, owner, "Event")?,
            // Events without an account are the superadmin's alone.
            None if principal.account_id().is_some() => return Err(NOT_FOUND),
            None => {}
        }
        Ok(event)
    }

    /// The caller's account's events (the superadmin's and the operator's: every event). Needs
    /// `events:read`.
    pub async fn list(&self, principal: &Principal) -> Result<Vec<Event>, DomainError> {
        self.context
            .authz
            .require(principal, Permission::EventsRead)?;
        Ok(self
            .context
            .store
            .list_events(principal.account_id())
            .await?)
    }

    /// A page of the caller's events with their code counts, the latest start first. The next
    /// page's cursor is its offset. Needs `events:read`.
    pub async fn list_summaries(
        &self,
        principal: &Principal,
        mut query: EventQuery,
    ) -> Result<Page<EventSummary>, DomainError> {
        self.context
            .authz
            .require(principal, Permission::EventsRead)?;
        if let Some(cursor) = query.page.cursor.take() {
            query.page.offset = cursor
                .parse()
                .map_err(|_| DomainError::validation("cursor", "cursor is not valid"))?;
        }
        query.search = non_empty(query.search);
        let (items, total) = self
            .context
            .store
            .list_event_summaries(principal.account_id(), &query)
            .await?;
        let next_offset = i64::from(query.page.offset) + items.len() as i64;
        Ok(Page {
            next_cursor: (!items.is_empty() && next_offset < total)
                .then(|| next_offset.to_string()),
            items,
            total,
        })
    }

    /// Every one of the caller's events matching `query` with their code counts, the latest
    /// start first (seed 002 lists them unpaged): [`Self::list_summaries`] page after page.
    /// `query.page` is not used. Needs `events:read`.
    pub async fn list_all_summaries(
        &self,
        principal: &Principal,
        mut query: EventQuery,
    ) -> Result<Vec<EventSummary>, DomainError> {
        query.page = PageRequest::first(PageRequest::MAX_LIMIT);
        let mut summaries = Vec::new();
        loop {
            let page = self.list_summaries(principal, query.clone()).await?;
            summaries.extend(page.items);
            match page.next_cursor {
                Some(cursor) => query.page.cursor = Some(cursor),
                None => return Ok(summaries),
            }
        }
    }

    /// Changes the fields `patch` names; the result must be a valid event. When `endsAt` or
    /// `accessWindowHours` change, the event's codes expire accordingly. Needs `events:write`.
    pub async fn update(
        &self,
        principal: &Principal,
        id: Uuid,
        patch: EventPatch,
        ip: Option<IpAddr>,
    ) -> Result<Event, DomainError> {
        let before = self
            .permitted(principal, id, Permission::EventsWrite)
            .await?;
        let actor = actor(principal);
        let mut event = before.clone();
        if let Some(title) = patch.title {
            event.title = title;
        }
        if let Some(description) = patch.description {
            event.description = description;
        }
        if let Some(stream_url) = patch.stream_url {
            event.stream_url = stream_url;
        }
        if let Some(poster_url) = patch.poster_url {
            event.poster_url = poster_url;
        }
        event.starts_at = patch.starts_at.unwrap_or(event.starts_at);
        event.ends_at = patch.ends_at.unwrap_or(event.ends_at);
        event.access_window_hours = patch
            .access_window_hours
            .unwrap_or(event.access_window_hours);
        event.is_active = patch.is_active.unwrap_or(event.is_active);
        event.is_archived = patch.is_archived.unwrap_or(event.is_archived);
        event.public_playback = patch.public_playback.unwrap_or(event.public_playback);
        event.tip_alerts = patch.tip_alerts.unwrap_or(event.tip_alerts);
        let event = validated(event)?;
        let event = self
            .save(&actor, &before, event, "event.updated", ip)
            .await?;
        // Switches made through an update are audited as such, so that deactivations read the
        // same in the trail (and to the revocation feed) whichever door made them.
        for (changed, switch) in [
            (
                before.is_active != event.is_active,
                if event.is_active {
                    EventSwitch::Activate
                } else {
                    EventSwitch::Deactivate
                },
            ),
            (
                before.is_archived != event.is_archived,
                if event.is_archived {
                    EventSwitch::Archive
                } else {
                    EventSwitch::Unarchive
                },
            ),
        ] {
            if changed {
                self.audit(&actor, &event, switch.audit_action(), ip)
                    .await?;
            }
        }
        Ok(event)
    }

    /// Activates, deactivates, archives or unarchives an event. Needs `events:write`.
    pub async fn switch(
        &self,
        principal: &Principal,
        id: Uuid,
        switch: EventSwitch,
        ip: Option<IpAddr>,
    ) -> Result<Event, DomainError> {
        let before = self
            .permitted(principal, id, Permission::EventsWrite)
            .await?;
        let mut event = before.clone();
        switch.apply(&mut event);
        if event == before {
            return Ok(event);
        }
        self.save(&actor(principal), &before, event, switch.audit_action(), ip)
            .await
    }

    async fn save(
        &self,
        actor: &str,
        before: &Event,
        mut event: Event,
        action: &str,
        ip: Option<IpAddr>,
    ) -> Result<Event, DomainError> {
        event.updated_at = time::now();
        let codes_expire_at = event.codes_expire_at();
        let expiry_moved = codes_expire_at != before.codes_expire_at();
        // Switching an event off (or on again) reaches viewers' tokens already issued.
        let change = (event.is_active != before.is_active).then_some(AccessChange {
            at: event.updated_at,
            event_id: event.id,
            kind: if event.is_active {
                AccessChangeKind::EventReactivated
            } else {
                AccessChangeKind::EventDeactivated
            },
        });
        let unpublished = self
            .context
            .store
            .update_event(
                &event,
                expiry_moved.then_some(codes_expire_at),
                change.as_ref(),
            )
            .await?;
        self.context.revocations.apply(change.as_slice());
        // Unpublishing ends the public sessions: their tokens stop at once, as a revoked code's.
        self.context.revocations.apply(&unpublished);
        self.audit(actor, &event, action, ip).await?;
        Ok(event)
    }

    /// Deletes an event with its codes and their sessions. With `confirm_title` (what the
    /// organizer typed to confirm) nothing is deleted unless it is the event's title exactly.
    /// Needs `events:delete`.
    pub async fn delete(
        &self,
        principal: &Principal,
        id: Uuid,
        confirm_title: Option<&str>,
        ip: Option<IpAddr>,
    ) -> Result<(), DomainError> {
        let event = self
            .permitted(principal, id, Permission::EventsDelete)
            .await?;
        if confirm_title.is_some_and(|typed| typed != event.title) {
            return Err(DomainError::validation(
                "confirm",
                "type the event's title exactly to delete it",
            ));
        }
        let change = AccessChange {
            at: time::now(),
            event_id: id,
            kind: AccessChangeKind::EventDeleted,
        };
        if !self.context.store.delete_event(&change).await? {
            return Err(NOT_FOUND);
        }
        self.context.revocations.apply(&[change]);
        self.audit(&actor(principal), &event, "event.deleted", ip)
            .await?;
        tracing::info!(event_id = %id, "event deleted");
        Ok(())
    }

    /// Seed 002's dashboard counts for the caller's account (every account for the
    /// superadmin). Needs `events:read`.
    pub async fn dashboard(&self, principal: &Principal) -> Result<DashboardStats, DomainError> {
        self.context
            .authz
            .require(principal, Permission::EventsRead)?;
        let live_since = self.context.playback.live_since(time::now());
        Ok(self
            .context
            .store
            .dashboard_stats(principal.account_id(), live_since)
            .await?)
    }

    async fn audit(
        &self,
        actor: &str,
        event: &Event,
        action: &str,
        ip: Option<IpAddr>,
    ) -> Result<(), DomainError> {
        record_audit(
            self.context.store,
            event.account_id,
            actor,
            action,
            Some(target(event)),
            ip,
        )
        .await
    }
}

fn target(event: &Event) -> String {
    format!("event:{} ({})", event.id, event.title)
}
