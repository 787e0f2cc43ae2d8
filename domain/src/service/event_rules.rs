//! What makes an event valid: the limits on its fields, checked for new events and for the
//! result of every change.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    model::{Event, NewEvent, DEFAULT_ACCESS_WINDOW_HOURS},
    DomainError,
};

const TITLE_MAX_CHARS: usize = 200;
const DESCRIPTION_MAX_CHARS: usize = 5000;
const ACCESS_WINDOW_HOURS: std::ops::RangeInclusive<i32> = 1..=168;

/// A new, active event of `account_id` made of `input` at `now`, not yet checked.
pub(super) fn new_event(account_id: Option<Uuid>, input: NewEvent, now: DateTime<Utc>) -> Event {
    Event {
        id: Uuid::new_v4(),
        account_id,
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
        public_playback: input.public_playback,
        tip_alerts: input.tip_alerts,
        created_at: now,
        updated_at: now,
    }
}

/// Checks an event's fields against the rules, trimming text and dropping blank optional
/// fields. Used for new events and for the result of an update.
pub(super) fn validated(mut event: Event) -> Result<Event, DomainError> {
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
    use crate::model::time;

    fn input() -> NewEvent {
        NewEvent {
            title: "  Annual Conference 2025 ".into(),
            starts_at: time::parse("2025-03-15T09:00:00Z").unwrap(),
            ends_at: time::parse("2025-03-15T17:00:00Z").unwrap(),
            ..NewEvent::default()
        }
    }

    fn validate_new_event(input: NewEvent) -> Result<Event, DomainError> {
        validated(new_event(None, input, time::now()))
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
