//! The demo event (`serve --demo`): one event that is live now, with a code nobody has used
//! yet, so that a newcomer watches something on the first run. It is remembered in the settings
//! and reused at every start, so the flag is safe to leave on.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::Context;
use crate::{
    model::{
        time, AccessCode, CodeQuery, CodeStatus, Event, EventPatch, EventStatus, NewCodes,
        NewEvent, PageRequest, Principal,
    },
    DomainError,
};

/// The setting that remembers which event is the demo.
const EVENT_SETTING: &str = "demo_event_id";
const DEMO_TITLE: &str = "StreamGate demo";
const DESCRIPTION: &str = "A test pattern with a tone, looping live. This is what your viewers \
    see; the event, its codes and its viewers are in the dashboard.";
const CODE_LABEL: &str = "Demo";
/// Codes minted with a new demo event.
const CODES: i64 = 5;
/// The demo is the installation's own doing, so it acts as the operator.
const OPERATOR: &Principal = &Principal::Operator;

pub struct DemoService<'a> {
    context: Context<'a>,
}

impl<'a> DemoService<'a> {
    pub(super) fn new(context: Context<'a>) -> Self {
        Self { context }
    }

    /// The demo event, live now, and a code of it nobody has used yet. A new demo event goes
    /// to the installation's default account.
    pub async fn prepare(&self) -> Result<(Event, AccessCode), DomainError> {
        let event = self.live_event(time::now()).await?;
        let code = self.ready_code(event.id).await?;
        Ok((event, code))
    }

    /// The remembered demo event, made live again if it is not (or not for another day); a new
    /// one when there is none yet or it was deleted.
    async fn live_event(&self, now: DateTime<Utc>) -> Result<Event, DomainError> {
        let store = self.context.store;
        let remembered = store
            .setting(EVENT_SETTING)
            .await?
            .and_then(|id| Uuid::parse_str(&id).ok());
        let (starts_at, ends_at) = live_times(now);
        if let Some(id) = remembered {
            match self.context.events().get(OPERATOR, id).await {
                Ok(event) if plays_for_another_day(&event, now) => return Ok(event),
                Ok(_) => {
                    tracing::info!(event_id = %id, "demo: event made live again");
                    let patch = EventPatch {
                        starts_at: Some(starts_at),
                        ends_at: Some(ends_at),
                        is_active: Some(true),
                        is_archived: Some(false),
                        ..EventPatch::default()
                    };
                    return self
                        .context
                        .events()
                        .update(OPERATOR, id, patch, None)
                        .await;
                }
                // Deleted in the dashboard: a new event replaces it.
                Err(DomainError::NotFound { .. }) => {}
                Err(err) => return Err(err),
            }
        }
        let account_id = self
            .context
            .accounts()
            .default_acting_account(OPERATOR)
            .await?;
        let input = NewEvent {
            title: DEMO_TITLE.into(),
            description: Some(DESCRIPTION.into()),
            starts_at,
            ends_at,
            ..NewEvent::default()
        };
        let events = self.context.events();
        let event = events.create(OPERATOR, account_id, input, None).await?;
        store
            .put_setting(EVENT_SETTING, &event.id.to_string())
            .await?;
        self.mint(event.id, CODES).await?;
        tracing::info!(event_id = %event.id, "demo: event created");
        Ok(event)
    }

    /// A code nobody has used yet, so it is not in use on another device; a new one when every
    /// code has been used, revoked or has expired.
    async fn ready_code(&self, event_id: Uuid) -> Result<AccessCode, DomainError> {
        let query = CodeQuery {
            event_id: Some(event_id),
            status: Some(CodeStatus::Unused),
            page: PageRequest::first(1),
            ..CodeQuery::default()
        };
        let unused = self.context.codes().list(OPERATOR, query).await?;
        if let Some(code) = unused.items.into_iter().next() {
            return Ok(code);
        }
        let minted = self.mint(event_id, 1).await?;
        Ok(minted
            .into_iter()
            .next()
            .expect("a batch of one holds one code"))
    }

    async fn mint(&self, event_id: Uuid, count: i64) -> Result<Vec<AccessCode>, DomainError> {
        let input = NewCodes {
            count,
            label: Some(CODE_LABEL.into()),
        };
        self.context
            .codes()
            .generate(OPERATOR, event_id, input, None)
            .await
    }
}

/// Started a minute ago, ending in a week.
fn live_times(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::minutes(1), now + Duration::days(7))
}

/// Whether viewers can watch it live for at least another day, so it never ends under them.
fn plays_for_another_day(event: &Event, now: DateTime<Utc>) -> bool {
    event.is_active
        && !event.is_archived
        && EventStatus::of(event, now) == EventStatus::Live
        && event.ends_at - now >= Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_live_event_with_a_day_left_is_kept_as_it_is() {
        let now = time::now();
        let (starts_at, ends_at) = live_times(now);
        let event = Event {
            id: Uuid::nil(),
            account_id: None,
            title: DEMO_TITLE.into(),
            description: None,
            stream_url: None,
            poster_url: None,
            starts_at,
            ends_at,
            access_window_hours: 48,
            is_active: true,
            is_archived: false,
            public_playback: false,
            tip_alerts: false,
            created_at: now,
            updated_at: now,
        };
        assert!(plays_for_another_day(&event, now));
        assert!(!plays_for_another_day(
            &event,
            now + Duration::days(6) + Duration::hours(1)
        ));
        assert!(!plays_for_another_day(&event, now - Duration::hours(1)));
        let off = Event {
            is_active: false,
            ..event.clone()
        };
        assert!(!plays_for_another_day(&off, now));
        let archived = Event {
            is_archived: true,
            ..event
        };
        assert!(!plays_for_another_day(&archived, now));
    }
}
