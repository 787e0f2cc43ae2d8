//! Events: creating, reading and listing the streams organizers sell access to.

use uuid::Uuid;

use super::accounts::operator_account;
use crate::{
    authz::Authorizer,
    model::{time, Event, NewEvent, Permission, Principal, DEFAULT_ACCESS_WINDOW_HOURS},
    store::Store,
    DomainError,
};

const TITLE_MAX_CHARS: usize = 200;
const DESCRIPTION_MAX_CHARS: usize = 5000;
const ACCESS_WINDOW_HOURS: std::ops::RangeInclusive<i32> = 1..=168;

pub struct EventService<'a> {
    store: &'a dyn Store,
    authz: &'a Authorizer,
}

impl<'a> EventService<'a> {
    pub(super) fn new(store: &'a dyn Store, authz: &'a Authorizer) -> Self {
        Self { store, authz }
    }

    /// A new event in `account_id`. Needs `events:write` in that account.
    pub async fn create(
        &self,
        principal: &Principal,
        account_id: Uuid,
        input: NewEvent,
    ) -> Result<Event, DomainError> {
        self.authz.require(principal, Permission::EventsWrite)?;
        self.authz.scope(principal, account_id, "Account")?;
        self.insert(account_id, input).await
    }

    /// The operator's `event create`: in `account_id`, or in the only account.
    pub async fn create_as_operator(
        &self,
        account_id: Option<Uuid>,
        input: NewEvent,
    ) -> Result<Event, DomainError> {
        let account = operator_account(self.store, account_id)
            .await?
            .ok_or_else(|| {
                DomainError::validation(
                    "accountId",
                    "there is no account yet: create one with `streamgate admin create`",
                )
            })?;
        self.insert(account.id, input).await
    }

    async fn insert(&self, account_id: Uuid, input: NewEvent) -> Result<Event, DomainError> {
        let event = Event {
            account_id: Some(account_id),
            ..validate_new_event(input)?
        };
        self.store.insert_event(&event).await?;
        tracing::info!(event_id = %event.id, title = %event.title, "event created");
        Ok(event)
    }

    /// One event. Needs `events:read`; another account's event is not found.
    pub async fn get(&self, principal: &Principal, id: Uuid) -> Result<Event, DomainError> {
        const NOT_FOUND: DomainError = DomainError::NotFound { what: "Event" };
        self.authz.require(principal, Permission::EventsRead)?;
        let event = self.store.find_event(id).await?.ok_or(NOT_FOUND)?;
        match event.account_id {
            Some(owner) => self.authz.scope(principal, owner, "Event")?,
            // Events without an account are the superadmin's alone.
            None if principal.account_id().is_some() => return Err(NOT_FOUND),
            None => {}
        }
        Ok(event)
    }

    /// Every event: the operator's view (command line).
    pub async fn list_all(&self) -> Result<Vec<Event>, DomainError> {
        Ok(self.store.list_events(None).await?)
    }

    /// The caller's account's events (the superadmin's: every event). Needs `events:read`.
    pub async fn list(&self, principal: &Principal) -> Result<Vec<Event>, DomainError> {
        self.authz.require(principal, Permission::EventsRead)?;
        Ok(self.store.list_events(principal.account_id()).await?)
    }
}

/// Checks an organizer's input and turns it into a new, active event.
fn validate_new_event(input: NewEvent) -> Result<Event, DomainError> {
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX_CHARS {
        return Err(DomainError::validation(
            "title",
            format!("title must be 1 to {TITLE_MAX_CHARS} characters"),
        ));
    }
    let description = non_empty(input.description);
    if description
        .as_ref()
        .is_some_and(|text| text.chars().count() > DESCRIPTION_MAX_CHARS)
    {
        return Err(DomainError::validation(
            "description",
            format!("description must be at most {DESCRIPTION_MAX_CHARS} characters"),
        ));
    }
    if input.ends_at <= input.starts_at {
        return Err(DomainError::validation(
            "endsAt",
            "endsAt must be after startsAt",
        ));
    }
    let access_window_hours = input
        .access_window_hours
        .unwrap_or(DEFAULT_ACCESS_WINDOW_HOURS);
    if !ACCESS_WINDOW_HOURS.contains(&access_window_hours) {
        return Err(DomainError::validation(
            "accessWindowHours",
            "accessWindowHours must be between 1 and 168",
        ));
    }
    let stream_url = http_url("streamUrl", input.stream_url)?;
    let poster_url = http_url("posterUrl", input.poster_url)?;

    let now = time::now();
    Ok(Event {
        id: Uuid::new_v4(),
        account_id: None,
        title: title.to_owned(),
        description,
        stream_url,
        poster_url,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        access_window_hours,
        is_active: true,
        is_archived: false,
        created_at: now,
        updated_at: now,
    })
}

fn non_empty(text: Option<String>) -> Option<String> {
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
