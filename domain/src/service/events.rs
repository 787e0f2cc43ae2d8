//! Events: the streams organizers sell access to. Creating, reading, listing, changing,
//! switching on and off, archiving and deleting them; every change is audited.

use std::net::IpAddr;

use uuid::Uuid;

use super::{
    accounts::{actor, operator_account, record_audit, OPERATOR},
    Context,
};
use crate::{
    model::{
        time, AccessChange, AccessChangeKind, CodeQuery, DashboardStats, Event, EventCounts,
        EventPatch, EventQuery, EventSummary, NewEvent, Page, PageRequest, Permission, Principal,
        DEFAULT_ACCESS_WINDOW_HOURS,
    },
    DomainError,
};

const TITLE_MAX_CHARS: usize = 200;
const DESCRIPTION_MAX_CHARS: usize = 5000;
const ACCESS_WINDOW_HOURS: std::ops::RangeInclusive<i32> = 1..=168;
const NOT_FOUND: DomainError = DomainError::NotFound { what: "Event" };

pub struct EventService<'a> {
    context: Context<'a>,
}

/// The switches of seed 002's `PATCH /api/admin/events/:id/{activate,deactivate,archive,unarchive}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// A new event in `account_id`. Needs `events:write` in that account.
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
        let event = self.insert(account_id, input).await?;
        self.audit(&actor(principal), &event, "event.created", ip)
            .await?;
        Ok(event)
    }

    /// The operator's `event create`: in `account_id`, or in the only account.
    pub async fn create_as_operator(
        &self,
        account_id: Option<Uuid>,
        input: NewEvent,
    ) -> Result<Event, DomainError> {
        let account = operator_account(self.context.store, account_id)
            .await?
            .ok_or_else(|| {
                DomainError::validation(
                    "accountId",
                    "there is no account yet: create one with `streamgate admin create`",
                )
            })?;
        let event = self.insert(account.id, input).await?;
        record_audit(
            self.context.store,
            Some(account.id),
            OPERATOR,
            "event.created",
            Some(target(&event)),
            None,
        )
        .await?;
        Ok(event)
    }

    async fn insert(&self, account_id: Uuid, input: NewEvent) -> Result<Event, DomainError> {
        let now = time::now();
        let event = validated(Event {
            id: Uuid::new_v4(),
            account_id: Some(account_id),
            title: input.title,
            description: input.description,
            stream_url: input.stream_url,
            poster_url: input.poster_url,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            access_window_hours: input
                .access_window_hours
                .unwrap_or(DEFAULT_ACCESS_WINDOW_HOURS),
            is_active: true,
            is_archived: false,
            created_at: now,
            updated_at: now,
        })?;
        self.context.store.insert_event(&event).await?;
        tracing::info!(event_id = %event.id, title = %event.title, "event created");
        Ok(event)
    }

    /// One event. Needs `events:read`; another account's event is not found.
    pub async fn get(&self, principal: &Principal, id: Uuid) -> Result<Event, DomainError> {
        self.context
            .authz
            .require(principal, Permission::EventsRead)?;
        self.visible(principal, id).await
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
        let (_, tokens) = self
            .context
            .store
            .list_codes(event.account_id, &query, None, time::now())
            .await?;
        Ok(EventSummary {
            event,
            count: EventCounts { tokens },
        })
    }

    /// An event the caller's account owns (any event for the superadmin), whatever the
    /// enforcement mode.
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

    /// One event, whichever account owns it: the operator's view.
    pub async fn get_as_operator(&self, id: Uuid) -> Result<Event, DomainError> {
        self.context.store.find_event(id).await?.ok_or(NOT_FOUND)
    }

    /// Every event: the operator's view (command line).
    pub async fn list_all(&self) -> Result<Vec<Event>, DomainError> {
        Ok(self.context.store.list_events(None).await?)
    }

    /// The caller's account's events (the superadmin's: every event). Needs `events:read`.
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
        query.search = query.search.and_then(|text| non_empty(Some(text)));
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

    /// Changes the fields `patch` names; the result must be a valid event. When `endsAt` or
    /// `accessWindowHours` change, the event's codes expire accordingly. Needs `events:write`.
    pub async fn update(
        &self,
        principal: &Principal,
        id: Uuid,
        patch: EventPatch,
        ip: Option<IpAddr>,
    ) -> Result<Event, DomainError> {
        self.context
            .authz
            .require(principal, Permission::EventsWrite)?;
        let before = self.visible(principal, id).await?;
        self.change(before, patch, &actor(principal), ip).await
    }

    /// The operator's change of an event (the demo's times): as [`EventService::update`], in
    /// whichever account the event is.
    pub async fn update_as_operator(
        &self,
        id: Uuid,
        patch: EventPatch,
    ) -> Result<Event, DomainError> {
        let before = self.get_as_operator(id).await?;
        self.change(before, patch, OPERATOR, None).await
    }

    /// `before` with the fields of `patch`, checked, stored and audited as `actor`.
    async fn change(
        &self,
        before: Event,
        patch: EventPatch,
        actor: &str,
        ip: Option<IpAddr>,
    ) -> Result<Event, DomainError> {
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
        let event = validated(event)?;
        let event = self
            .save(actor, &before, event, "event.updated", ip)
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
                self.audit(actor, &event, switch.audit_action(), ip).await?;
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
        self.context
            .authz
            .require(principal, Permission::EventsWrite)?;
        let before = self.visible(principal, id).await?;
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
        self.context
            .store
            .update_event(
                &event,
                expiry_moved.then_some(codes_expire_at),
                change.as_ref(),
            )
            .await?;
        self.context.revocations.apply(change.as_slice());
        self.audit(actor, &event, action, ip).await?;
        Ok(event)
    }

    /// Deletes an event with its codes and their sessions. Needs `events:delete`.
    pub async fn delete(
        &self,
        principal: &Principal,
        id: Uuid,
        ip: Option<IpAddr>,
    ) -> Result<(), DomainError> {
        self.context
            .authz
            .require(principal, Permission::EventsDelete)?;
        let event = self.visible(principal, id).await?;
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

/// Checks an event's fields against the rules, trimming text and dropping blank optional
/// fields. Used for new events and for the result of an update.
fn validated(mut event: Event) -> Result<Event, DomainError> {
    let title = event.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX_CHARS {
        return Err(DomainError::validation(
            "title",
            format!("title must be 1 to {TITLE_MAX_CHARS} characters"),
        ));
    }
    event.title = title.to_owned();
    event.description = non_empty(event.description);
    if event
        .description
        .as_ref()
        .is_some_and(|text| text.chars().count() > DESCRIPTION_MAX_CHARS)
    {
        return Err(DomainError::validation(
            "description",
            format!("description must be at most {DESCRIPTION_MAX_CHARS} characters"),
        ));
    }
    if event.ends_at <= event.starts_at {
        return Err(DomainError::validation(
            "endsAt",
            "endsAt must be after startsAt",
        ));
    }
    if !ACCESS_WINDOW_HOURS.contains(&event.access_window_hours) {
        return Err(DomainError::validation(
            "accessWindowHours",
            "accessWindowHours must be between 1 and 168",
        ));
    }
    event.stream_url = http_url("streamUrl", event.stream_url)?;
    event.poster_url = http_url("posterUrl", event.poster_url)?;
    Ok(event)
}

pub(super) fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// An optional absolute http(s) URL; blank counts as absent.
fn http_url(field: &'static str, value: Option<String>) -> Result<Option<String>, DomainError> {
    let Some(value) = non_empty(value) else {
        return Ok(None);
    };
    match url::Url::parse(&value) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
            Ok(Some(value))
        }
        _ => Err(DomainError::validation(
            field,
            format!("{field} must be an http(s) URL"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> NewEvent {
        NewEvent {
            title: "  Annual Conference 2025 ".into(),
            starts_at: time::parse("2025-03-15T09:00:00Z").unwrap(),
            ends_at: time::parse("2025-03-15T17:00:00Z").unwrap(),
            ..NewEvent::default()
        }
    }

    fn validate_new_event(input: NewEvent) -> Result<Event, DomainError> {
        let now = time::now();
        validated(Event {
            id: Uuid::new_v4(),
            account_id: None,
            title: input.title,
            description: input.description,
            stream_url: input.stream_url,
            poster_url: input.poster_url,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            access_window_hours: input
                .access_window_hours
                .unwrap_or(DEFAULT_ACCESS_WINDOW_HOURS),
            is_active: true,
            is_archived: false,
            created_at: now,
            updated_at: now,
        })
    }

    fn field_of(result: Result<Event, DomainError>) -> &'static str {
        match result {
            Err(DomainError::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_event_is_active_trimmed_and_gets_the_default_window() {
        let event = validate_new_event(NewEvent {
            description: Some("   ".into()),
            ..input()
        })
        .unwrap();
        assert_eq!(event.title, "Annual Conference 2025");
        assert_eq!(event.description, None);
        assert_eq!(event.access_window_hours, 48);
        assert!(event.is_active && !event.is_archived);
        assert_eq!(event.created_at, event.updated_at);
    }

    #[test]
    fn blank_or_overlong_title_is_refused() {
        assert_eq!(
            field_of(validate_new_event(NewEvent {
                title: " ".into(),
                ..input()
            })),
            "title"
        );
        let long = "x".repeat(201);
        assert_eq!(
            field_of(validate_new_event(NewEvent {
                title: long,
                ..input()
            })),
            "title"
        );
        assert!(validate_new_event(NewEvent {
            title: "é".repeat(200),
            ..input()
        })
        .is_ok());
    }

    #[test]
    fn end_not_after_start_is_refused() {
        let at = input().starts_at;
        assert_eq!(
            field_of(validate_new_event(NewEvent {
                ends_at: at,
                ..input()
            })),
            "endsAt"
        );
    }

    #[test]
    fn access_window_outside_1_to_168_hours_is_refused() {
        for hours in [0, 169, -5] {
            let result = validate_new_event(NewEvent {
                access_window_hours: Some(hours),
                ..input()
            });
            assert_eq!(field_of(result), "accessWindowHours");
        }
        let event = validate_new_event(NewEvent {
            access_window_hours: Some(168),
            ..input()
        })
        .unwrap();
        assert_eq!(event.access_window_hours, 168);
    }

    #[test]
    fn urls_must_be_absolute_http() {
        for bad in [
            "javascript:alert(1)",
            "ftp://x/y",
            "/relative.m3u8",
            "https://",
        ] {
            let result = validate_new_event(NewEvent {
                stream_url: Some(bad.into()),
                ..input()
            });
            assert_eq!(field_of(result), "streamUrl", "{bad}");
        }
        let result = validate_new_event(NewEvent {
            poster_url: Some("data:image/png;base64,x".into()),
            ..input()
        });
        assert_eq!(field_of(result), "posterUrl");
        let event = validate_new_event(NewEvent {
            stream_url: Some("https://origin.example.com/live/stream.m3u8".into()),
            ..input()
        })
        .unwrap();
        assert_eq!(
            event.stream_url.as_deref(),
            Some("https://origin.example.com/live/stream.m3u8")
        );
    }
}
